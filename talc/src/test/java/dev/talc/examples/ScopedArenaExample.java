package dev.talc.examples;

import dev.talc.TalcAllocator;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The JDK's FFM idiom {@code try (Arena arena = ...) { allocate; downcall }} with a Talc arena: C strings
 * and a buffer for {@code strcat} and {@code strlen}, all in the allocator's memory, all given back when
 * the scope ends, and dead from then on. Run with {@code --enable-native-access=ALL-UNNAMED} (class path)
 * or {@code --enable-native-access=dev.talc} (module path): re-scoping the blocks is a restricted method.
 */
public final class ScopedArenaExample {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle STRLEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strlen").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle STRCAT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strcat").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private ScopedArenaExample() {}

    /**
     * Joins words with {@code strcat} in a buffer of a Talc arena. The buffer comes zeroed, so it starts
     * as an empty C string; every segment, and every byte of the allocator's memory they used, is released
     * when the {@code try} block ends.
     *
     * @param talc  the allocator (a {@code Talc} or a {@code ConcurrentTalc} over native memory)
     * @param words the words to join
     * @return the joined words, read back before the scope ends
     */
    public static String join(TalcAllocator talc, String... words) throws Throwable {
        try (Arena arena = talc.newArena()) {
            MemorySegment[] cWords = new MemorySegment[words.length];
            long length = 0;
            for (int i = 0; i < words.length; i++) {
                cWords[i] = arena.allocateFrom(words[i]);              // a NUL-terminated UTF-8 copy
                length += (long) STRLEN.invokeExact(cWords[i]);
            }
            MemorySegment buffer = arena.allocate(length + 1);        // zeroed: an empty C string
            for (MemorySegment word : cWords) {
                MemorySegment result = (MemorySegment) STRCAT.invokeExact(buffer, word);
            }
            return buffer.getString(0);
        }                                                              // all segments die, all memory goes back
    }

    /**
     * Returns a segment that outlived its arena: any access to it throws {@link IllegalStateException},
     * never reads memory the allocator may have handed out again.
     *
     * @param talc the allocator
     * @return a dead segment
     */
    public static MemorySegment keptTooLong(TalcAllocator talc) {
        try (Arena arena = talc.newArena()) {
            return arena.allocateFrom("freed when the scope ends");
        }
    }
}
