package dev.talc;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JDK Flight Recorder events of the allocator, all named {@code dev.talc.*}, in category "Talc".
 *
 * <h2>Design note</h2>
 * Only {@link TalcEvents} calls in here, and only after checking that the runtime has JFR. Every event
 * is {@code @Enabled(false)}: users switch on what they want to see. Each method makes the event, asks
 * {@code shouldCommit()} (false unless a recording enabled it and its threshold passed) and only then
 * fills the fields and commits, so a disabled event costs one check. Events carry the thread and, by
 * default, the stack trace, which tell which allocator and which caller.
 *
 * <table class="striped">
 * <caption>Events</caption>
 * <thead><tr><th>name</th><th>when</th></tr></thead>
 * <tbody>
 * <tr><td>{@code dev.talc.Misuse}</td><td>a call is rejected: double free, foreign offset, bad span or
 *     layout (just before the exception is thrown)</td></tr>
 * <tr><td>{@code dev.talc.OomHandlerCall}</td><td>the {@link OomHandler} was called</td></tr>
 * <tr><td>{@code dev.talc.HeapChange}</td><td>a heap was claimed, extended or truncated</td></tr>
 * <tr><td>{@code dev.talc.AllocationFailure}</td><td>{@code allocate} throws {@link OutOfMemoryError}</td></tr>
 * </tbody>
 * </table>
 */
final class JfrEvents {
    private JfrEvents() {}

    static void misuse(String operation, String reason, long offset, long byteSize) {
        Misuse event = new Misuse();
        if (event.shouldCommit()) {
            event.operation = operation;
            event.reason = reason;
            event.offset = offset;
            event.byteSize = byteSize;
            event.commit();
        }
    }

    static void oomHandlerCalled(long byteSize, long byteAlignment, boolean retry, long availableBefore,
                                 long availableAfter, Throwable failure) {
        OomHandlerCall event = new OomHandlerCall();
        if (event.shouldCommit()) {
            event.byteSize = byteSize;
            event.byteAlignment = byteAlignment;
            event.retry = retry;
            event.availableBefore = availableBefore;
            event.availableAfter = availableAfter;
            event.failure = failure == null ? null : failure.toString();
            event.commit();
        }
    }

    static void heapChanged(String operation, Span before, Span after) {
        HeapChange event = new HeapChange();
        if (event.shouldCommit()) {
            event.operation = operation;
            event.beforeBase = before.base();
            event.beforeAcme = before.acme();
            event.afterBase = after.base();
            event.afterAcme = after.acme();
            event.deltaBytes = after.size() - before.size();
            event.commit();
        }
    }

    static void allocationFailed(long byteSize, long byteAlignment, long availableBytes, long largestGapBytes,
                                 Throwable cause) {
        AllocationFailure event = new AllocationFailure();
        if (event.shouldCommit()) {
            event.byteSize = byteSize;
            event.byteAlignment = byteAlignment;
            event.availableBytes = availableBytes;
            event.largestGapBytes = largestGapBytes;
            event.oomHandlerFailure = cause == null ? null : cause.toString();
            event.commit();
        }
    }

    @Name("dev.talc.Misuse")
    @Label("Talc Misuse")
    @Category("Talc")
    @Description("A call the allocator rejected (double free, foreign block, bad span or layout), before any change")
    @Enabled(false)
    @StackTrace(true)
    static final class Misuse extends Event {
        @Label("Operation")
        String operation;
        @Label("Reason")
        String reason;
        @Label("Offset")
        @Description("The offset (or address, for a foreign segment) the call named")
        long offset;
        @Label("Byte Size")
        @DataAmount(DataAmount.BYTES)
        long byteSize;
    }

    @Name("dev.talc.OomHandlerCall")
    @Label("Talc OOM Handler Call")
    @Category("Talc")
    @Description("The allocator asked its OomHandler for room for a request that did not fit")
    @Enabled(false)
    @StackTrace(true)
    static final class OomHandlerCall extends Event {
        @Label("Byte Size")
        @DataAmount(DataAmount.BYTES)
        long byteSize;
        @Label("Byte Alignment")
        long byteAlignment;
        @Label("Retry")
        @Description("What the handler returned: true to retry the allocation")
        boolean retry;
        @Label("Available Before")
        @DataAmount(DataAmount.BYTES)
        long availableBefore;
        @Label("Available After")
        @DataAmount(DataAmount.BYTES)
        long availableAfter;
        @Label("Failure")
        @Description("What the handler threw, if it threw")
        String failure;
    }

    @Name("dev.talc.HeapChange")
    @Label("Talc Heap Change")
    @Category("Talc")
    @Description("A heap was claimed, extended or truncated (an empty span: no heap before, or released)")
    @Enabled(false)
    @StackTrace(true)
    static final class HeapChange extends Event {
        @Label("Operation")
        String operation;
        @Label("Base Before")
        long beforeBase;
        @Label("Acme Before")
        long beforeAcme;
        @Label("Base After")
        long afterBase;
        @Label("Acme After")
        long afterAcme;
        @Label("Delta")
        @DataAmount(DataAmount.BYTES)
        long deltaBytes;
    }

    @Name("dev.talc.AllocationFailure")
    @Label("Talc Allocation Failure")
    @Category("Talc")
    @Description("An allocation failed for good: OutOfMemoryError is thrown")
    @Enabled(false)
    @StackTrace(true)
    static final class AllocationFailure extends Event {
        @Label("Byte Size")
        @DataAmount(DataAmount.BYTES)
        long byteSize;
        @Label("Byte Alignment")
        long byteAlignment;
        @Label("Available Bytes")
        @DataAmount(DataAmount.BYTES)
        long availableBytes;
        @Label("Largest Gap")
        @DataAmount(DataAmount.BYTES)
        long largestGapBytes;
        @Label("OOM Handler Failure")
        String oomHandlerFailure;
    }
}
