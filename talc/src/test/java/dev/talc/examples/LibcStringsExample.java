package dev.talc.examples;

import dev.talc.Talc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * FFM downcalls into the C library with Talc as the {@link SegmentAllocator}: C strings made with
 * {@code allocateFrom}, a buffer for {@code strcat}, and {@code div}, which returns a struct by value, so
 * its downcall handle takes the allocator for the returned struct as its first argument.
 */
public final class LibcStringsExample {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle STRLEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strlen").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle STRCAT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strcat").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    /** {@code typedef struct { int quot; int rem; } div_t;} */
    private static final StructLayout DIV_T = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("quot"), ValueLayout.JAVA_INT.withName("rem"));
    /** {@code div_t div(int numerator, int denominator)}: the handle's first parameter is a SegmentAllocator. */
    private static final MethodHandle DIV = LINKER.downcallHandle(
            LINKER.defaultLookup().find("div").orElseThrow(),
            FunctionDescriptor.of(DIV_T, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private LibcStringsExample() {}

    /**
     * Joins two strings with {@code strcat} in a Talc block and measures the result with {@code strlen}.
     *
     * @param first  the first string
     * @param second the string to append
     * @return the joined string, read back from native memory
     */
    public static String concat(Talc talc, String first, String second) throws Throwable {
        MemorySegment left = talc.allocateFrom(first);            // NUL-terminated UTF-8
        MemorySegment right = talc.allocateFrom(second);
        long length = (long) STRLEN.invokeExact(left) + (long) STRLEN.invokeExact(right);
        MemorySegment joined = talc.allocate(length + 1, 1);
        joined.setString(0, first);
        MemorySegment result = (MemorySegment) STRCAT.invokeExact(joined, right);
        String text = result.reinterpret(length + 1).getString(0);
        talc.free(left);
        talc.free(right);
        talc.free(joined);
        return text;
    }

    /**
     * Divides with libc's {@code div}; the {@code div_t} it returns by value lands in a Talc block.
     *
     * @return {@code {quotient, remainder}}
     */
    public static int[] divide(Talc talc, int numerator, int denominator) throws Throwable {
        MemorySegment divT = (MemorySegment) DIV.invokeExact((SegmentAllocator) talc, numerator, denominator);
        int[] result = {divT.get(ValueLayout.JAVA_INT, 0), divT.get(ValueLayout.JAVA_INT, 4)};
        talc.free(divT);
        return result;
    }

    public static void main(String[] args) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));   // native memory: C can read it
            System.out.println(concat(talc, "Hello, ", "Talc!"));
            int[] qr = divide(talc, 17, 5);
            System.out.println("17 / 5 = " + qr[0] + " remainder " + qr[1]);
        }
    }
}
