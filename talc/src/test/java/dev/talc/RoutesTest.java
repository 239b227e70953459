package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routes: the direct-mapped table always agrees with a search of the heaps, and verify() catches a bad slot. */
class RoutesTest {

    /** Shards over random heaps (gaps between some, touching others) of a memory of {@code memoryBytes}. */
    private static Shard[] randomShards(MemorySegment memory, SplittableRandom random, int shardCount) {
        Shard[] shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) {
            shards[i] = new Shard(new Talc(memory), i);
        }
        long base = random.nextLong(0, 3) * 4096 + random.nextLong(0, 64) * 8;
        while (true) {
            long size = (random.nextBoolean() ? random.nextLong(1, 64) : random.nextLong(64, 4096)) * 1024
                    + random.nextLong(0, 128) * 8;
            if (base + size > memory.byteSize()) {
                return shards;
            }
            shards[random.nextInt(shardCount)].talc.claim(new Span(base, base + size));
            base += size + (random.nextInt(3) == 0 ? random.nextLong(0, 100_000) & -8 : 0);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {48, 4096, 100_000, 1 << 20, 64L << 20, (64L << 20) + 24, 200_000_008})
    void tableAgreesWithSearchEverywhere(long memoryBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(memoryBytes, 4096);
            SplittableRandom random = new SplittableRandom(memoryBytes);
            for (int round = 0; round < 5; round++) {
                Shard[] shards = memoryBytes < 1024 ? new Shard[] {new Shard(Talc.over(memory), 0)}
                        : randomShards(memory, random, 1 + random.nextInt(4));
                Routes routes = Routes.of(shards, memoryBytes);
                routes.verify();
                assertTrue(routes.table().length <= Routes.MAX_SLOTS, "table length " + routes.table().length);
                assertTrue((routes.table().length - 1L) << routes.shift() < memoryBytes, "no slot past the memory");
                assertTrue((long) routes.table().length << routes.shift() >= memoryBytes, "every byte has a slot");
                for (int probe = 0; probe < 20_000; probe++) {
                    long offset = random.nextInt(10) == 0 ? random.nextLong() : random.nextLong(-100, memoryBytes + 100);
                    assertSame(expectedOwner(shards, offset), routes.ownerOf(offset), () -> "offset=" + offset);
                }
                for (Shard shard : shards) {
                    for (Span heap : shard.talc.heaps()) {
                        assertSame(shard, routes.ownerOf(heap.base()));
                        assertSame(shard, routes.ownerOf(heap.acme() - 1));
                        assertEquals(expectedOwner(shards, heap.acme()), routes.ownerOf(heap.acme()));
                    }
                }
            }
        }
    }

    private static Shard expectedOwner(Shard[] shards, long offset) {
        for (Shard shard : shards) {
            for (Span heap : shard.talc.heaps()) {
                if (offset >= heap.base() && offset < heap.acme()) {
                    return shard;
                }
            }
        }
        return null;
    }

    @Test
    void everySlotOfContiguousShardsIsFilledButTheOneStraddlingTheBoundary() {
        try (Arena arena = Arena.ofConfined()) {
            long memoryBytes = 128L << 20;
            MemorySegment memory = arena.allocate(memoryBytes, 4096);
            long boundary = (memoryBytes / 2 + 1000) & -64;
            Shard low = new Shard(new Talc(memory), 0);
            Shard high = new Shard(new Talc(memory), 1);
            low.talc.claim(new Span(0, boundary));
            high.talc.claim(new Span(boundary, memoryBytes));
            Routes routes = Routes.of(new Shard[] {low, high}, memoryBytes);
            int straddling = (int) (boundary >>> routes.shift());
            for (int slot = 0; slot < routes.table().length; slot++) {
                if (slot == straddling) {
                    assertNull(routes.table()[slot], "the slot holding the boundary searches");
                } else {
                    assertSame(slot < straddling ? low : high, routes.table()[slot], "slot " + slot);
                }
            }
            assertSame(low, routes.ownerOf(boundary - 1));
            assertSame(high, routes.ownerOf(boundary));
            assertNull(routes.ownerOf(-1));
            assertNull(routes.ownerOf(memoryBytes));
            assertNull(routes.ownerOf(Long.MIN_VALUE));
        }
    }

    @Test
    void verifyNamesASlotPointingAtTheWrongShard() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(1 << 20, 4096);
            Shard low = new Shard(new Talc(memory), 0);
            Shard high = new Shard(new Talc(memory), 1);
            low.talc.claim(new Span(0, 512 << 10));
            high.talc.claim(new Span(512 << 10, 1 << 20));
            Routes routes = Routes.of(new Shard[] {low, high}, 1 << 20);
            assertNotNull(routes.table()[0]);
            routes.table()[0] = high;
            IllegalStateException e = assertThrows(IllegalStateException.class, routes::verify);
            assertTrue(e.getMessage().contains("route-slot-in-one-heap"), e.getMessage());
        }
    }
}
