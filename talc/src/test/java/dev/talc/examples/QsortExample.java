package dev.talc.examples;

import dev.talc.Talc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * libc's {@code qsort} sorting an {@code int} array that lives in a Talc block, calling back into Java
 * for every comparison (an upcall stub).
 */
public final class QsortExample {
    private static final Linker LINKER = Linker.nativeLinker();
    /** {@code void qsort(void *base, size_t n, size_t size, int (*compare)(const void *, const void *))} */
    private static final MethodHandle QSORT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("qsort").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final FunctionDescriptor COMPARE_DESCRIPTOR = FunctionDescriptor.of(INT,
            ValueLayout.ADDRESS.withTargetLayout(INT), ValueLayout.ADDRESS.withTargetLayout(INT));

    private QsortExample() {}

    /** The comparator qsort calls: the arguments point at two ints of the array. */
    static int compare(MemorySegment a, MemorySegment b) {
        return Integer.compare(a.get(INT, 0), b.get(INT, 0));
    }

    /**
     * Copies {@code values} into a Talc block, sorts it there with qsort and copies it back.
     *
     * @return the sorted values
     */
    public static int[] sort(Talc talc, int[] values) throws Throwable {
        MemorySegment array = talc.allocateFrom(INT, values);
        try (Arena upcalls = Arena.ofConfined()) {
            MethodHandle compare = MethodHandles.lookup().findStatic(QsortExample.class, "compare",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment comparator = LINKER.upcallStub(compare, COMPARE_DESCRIPTOR, upcalls);
            QSORT.invokeExact(array, (long) values.length, INT.byteSize(), comparator);
        }
        int[] sorted = array.toArray(INT);
        talc.free(array);
        return sorted;
    }

    public static void main(String[] args) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            System.out.println(java.util.Arrays.toString(sort(talc, new int[] {5, 3, 9, -1, 7, 3})));
        }
    }
}
