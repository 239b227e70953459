/*
 * malloc_trace.c: an LD_PRELOAD recorder of a program's malloc-family calls, for Talc for Java's trace
 * benchmark (talc-bench: `traces`, dev.talc.bench.trace).
 *
 * Build (glibc, Linux):
 *   cc -O2 -shared -fPIC -o malloc_trace.so malloc_trace.c -ldl -lpthread
 * Use:
 *   MALLOC_TRACE_DIR=/tmp/tr LD_PRELOAD=$PWD/malloc_trace.so some-program args...
 * Options (environment):
 *   MALLOC_TRACE_DIR         directory for the trace files (required: without it nothing is recorded)
 *   MALLOC_TRACE_ONLY        record only processes whose name (/proc/self/comm, e.g. cc1) is this
 *   MALLOC_TRACE_MAX_EVENTS  stop recording after this many events (the trace then just ends; blocks
 *                            still live stay live, and the replayer frees them, untimed)
 *
 * Design note. What it records: malloc, calloc, realloc, reallocarray, free, posix_memalign,
 * aligned_alloc, memalign, valloc and pvalloc; for each call its operation, a block id, the size, the
 * alignment and the calling thread, in one total order. No pointers: each live pointer maps to a small
 * block id (a hash table inside the recorder); ids are reused LIFO once freed, so they stay below the
 * peak live block count and the replayer indexes plain arrays with them. One global mutex is held
 * across the real call and the record, so the order in the file is an order the allocator really saw
 * (a pointer freed by one thread and handed to another is recorded in that order). The recorder never
 * calls malloc itself: its table, id stack and output buffer are mmap'd, and it writes with write(2).
 * dlsym, which finds the real functions, may itself call calloc: calls made while it runs are served
 * from a small static buffer, never recorded and never passed to the real free.
 * Semantics kept: realloc(NULL, n) is recorded as malloc; realloc(p, 0) per glibc (frees p, returns
 * NULL) as free; free(NULL) and failed calls are not recorded; frees/reallocs of pointers the trace
 * does not know (inherited over fork, or from before the recorder started) are passed on unrecorded,
 * except that a realloc of such a pointer records the new block as a malloc.
 * Each process writes its own file, <dir>/<comm>.<pid>.<n>.mtrace (a forked child opens its own on its
 * first call; n makes names unique across exec). Alternatives: glibc's mtrace() (text, pointers, no
 * threads, no memalign family) or ltrace/uprobes (slow, no total order across threads).
 *
 * File format (all integers unsigned LEB128 varints unless stated; little-endian order of groups):
 *   magic    8 bytes "TALCTRC1"
 *   version  varint, 1
 *   events   until END; each event:
 *     head   1 byte: bits 0-3 the op, bit 4 set = the thread changed (a varint thread index follows),
 *            bits 5-7 zero
 *     [thread] varint: 0 for the first thread that called, 1 for the next new one, ...
 *     id     varint zigzag(id - id of the previous event; 0 before the first), zigzag(n) = (n << 1) ^ (n >> 63)
 *     size   varint bytes (not for FREE): the requested size; calloc: nmemb*size; reallocarray:
 *            nmemb*size; pvalloc: rounded up to a page, as glibc does
 *     align  varint log2(alignment) (only for ops 4-8): alignments that are not a power of two are
 *            rounded up to one (as glibc does); valloc/pvalloc: the page size
 *   ops: 0 malloc, 1 calloc, 2 realloc (the block keeps its id), 3 free, 4 posix_memalign,
 *        5 aligned_alloc, 6 memalign, 7 valloc, 8 pvalloc, 15 END
 *   END      head 0x0F, then varint: the number of events before it
 * A file without END was cut short (the process exec'd or was killed before its last flush).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OP_MALLOC = 0, OP_CALLOC = 1, OP_REALLOC = 2, OP_FREE = 3, OP_POSIX_MEMALIGN = 4, OP_ALIGNED_ALLOC = 5,
       OP_MEMALIGN = 6, OP_VALLOC = 7, OP_PVALLOC = 8, OP_END = 15 };

/* ---- the real functions, and the bootstrap buffer for calls made while dlsym runs ---------------- */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_reallocarray)(void *, size_t, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);

static char boot_buf[1 << 16] __attribute__((aligned(16)));
static size_t boot_used;
static volatile int resolving;

static int is_boot(void *p) {
    return (char *) p >= boot_buf && (char *) p < boot_buf + sizeof boot_buf;
}

/* 16-byte header holding the size, so a realloc of a boot block knows what to copy. */
static void *boot_alloc(size_t n) {
    size_t need = 16 + ((n + 15) & ~(size_t) 15);
    if (boot_used + need > sizeof boot_buf) {
        return NULL;
    }
    char *p = boot_buf + boot_used;
    boot_used += need;
    *(size_t *) p = n;
    memset(p + 16, 0, n);
    return p + 16;
}

static void resolve(void) {
    if (real_malloc != NULL || resolving) {
        return;
    }
    resolving = 1;
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_reallocarray = dlsym(RTLD_NEXT, "reallocarray");
    real_free = dlsym(RTLD_NEXT, "free");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    real_valloc = dlsym(RTLD_NEXT, "valloc");
    real_pvalloc = dlsym(RTLD_NEXT, "pvalloc");
    resolving = 0;
}

/* ---- recorder state (all under `lock`) -------------------------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int in_hook __attribute__((tls_model("initial-exec")));
static __thread int thread_index __attribute__((tls_model("initial-exec"))) = -1;
static __thread uint64_t thread_epoch __attribute__((tls_model("initial-exec")));

static int state;            /* 0 = not started, 1 = recording, 2 = off (no dir, not selected, done) */
static uint64_t epoch = 1;   /* bumped by a fork, so the child numbers its threads afresh */
static int fd = -1;
static int next_thread;
static int last_thread = -1;
static uint64_t last_id;
static uint64_t events;
static uint64_t max_events = UINT64_MAX;
static char dir[4096];

#define OUT_SIZE (1 << 20)
static unsigned char *out;
static size_t out_len;

/* pointer -> id, open addressing, linear probing, backward-shift deletion; key 0 = empty */
static uintptr_t *keys;
static uint32_t *vals;
static size_t cap, used;
/* free ids, LIFO */
static uint32_t *free_ids;
static size_t free_cap, free_len;
static uint32_t next_id;

static void *map(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static size_t hash(uintptr_t p) {
    return (size_t) ((p >> 4) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

static void table_put(uintptr_t k, uint32_t v);

static void table_grow(void) {
    uintptr_t *old_keys = keys;
    uint32_t *old_vals = vals;
    size_t old_cap = cap;
    cap = cap ? cap * 2 : (1 << 16);
    keys = map(cap * sizeof *keys);
    vals = map(cap * sizeof *vals);
    if (keys == NULL || vals == NULL) {
        abort();
    }
    used = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old_keys[i] != 0) {
            table_put(old_keys[i], old_vals[i]);
        }
    }
    if (old_keys != NULL) {
        munmap(old_keys, old_cap * sizeof *keys);
        munmap(old_vals, old_cap * sizeof *vals);
    }
}

static void table_put(uintptr_t k, uint32_t v) {
    if ((used + 1) * 2 > cap) {
        table_grow();
    }
    size_t i = hash(k);
    while (keys[i] != 0 && keys[i] != k) {
        i = (i + 1) & (cap - 1);
    }
    if (keys[i] == 0) {
        used++;
    }
    keys[i] = k;
    vals[i] = v;
}

/* Removes k; returns its id, or -1 if unknown. */
static int64_t table_take(uintptr_t k) {
    if (cap == 0) {
        return -1;
    }
    size_t i = hash(k);
    while (keys[i] != k) {
        if (keys[i] == 0) {
            return -1;
        }
        i = (i + 1) & (cap - 1);
    }
    int64_t v = vals[i];
    keys[i] = 0;
    used--;
    size_t j = i; /* backward-shift the entries after the hole that belong before it */
    for (;;) {
        j = (j + 1) & (cap - 1);
        if (keys[j] == 0) {
            break;
        }
        size_t home = hash(keys[j]);
        if (((j - home) & (cap - 1)) >= ((j - i) & (cap - 1))) {
            keys[i] = keys[j];
            vals[i] = vals[j];
            keys[j] = 0;
            i = j;
        }
    }
    return v;
}

static uint32_t id_new(void) {
    if (free_len > 0) {
        return free_ids[--free_len];
    }
    return next_id++;
}

static void id_release(uint32_t id) {
    if (free_len == free_cap) {
        size_t n = free_cap ? free_cap * 2 : (1 << 16);
        uint32_t *bigger = map(n * sizeof *bigger);
        if (bigger == NULL) {
            abort();
        }
        if (free_ids != NULL) {
            memcpy(bigger, free_ids, free_len * sizeof *bigger);
            munmap(free_ids, free_cap * sizeof *bigger);
        }
        free_ids = bigger;
        free_cap = n;
    }
    free_ids[free_len++] = id;
}

/* ---- output ----------------------------------------------------------------------------------------- */

static void flush_out(void) {
    size_t done = 0;
    while (done < out_len && fd >= 0) {
        ssize_t n = write(fd, out + done, out_len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        done += (size_t) n;
    }
    out_len = 0;
}

static void put_byte(unsigned b) {
    if (out_len == OUT_SIZE) {
        flush_out();
    }
    out[out_len++] = (unsigned char) b;
}

static void put_varint(uint64_t v) {
    while (v >= 0x80) {
        put_byte((unsigned) (v & 0x7F) | 0x80);
        v >>= 7;
    }
    put_byte((unsigned) v);
}

static void read_comm(char *name, size_t size) {
    int f = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
    ssize_t n = f >= 0 ? read(f, name, size - 1) : -1;
    if (f >= 0) {
        close(f);
    }
    if (n <= 0) {
        strcpy(name, "unknown");
        return;
    }
    name[n] = 0;
    for (char *c = name; *c; c++) {
        if (*c == '\n') {
            *c = 0;
            break;
        }
        if (*c == '/' || *c == ' ') {
            *c = '_';
        }
    }
}

/* Opens this process's file (on its first event). */
static int open_file(void) {
    char name[64];
    char path[4096 + 128];
    read_comm(name, sizeof name);
    for (int n = 0; n < 1000; n++) {
        snprintf(path, sizeof path, "%s/%s.%d.%d.mtrace", dir, name, (int) getpid(), n);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            break;
        }
        if (errno != EEXIST) {
            return 0;
        }
    }
    if (fd < 0) {
        return 0;
    }
    if (out == NULL) {
        out = map(OUT_SIZE);
        if (out == NULL) {
            return 0;
        }
    }
    out_len = 0;
    static const char magic[8] = {'T', 'A', 'L', 'C', 'T', 'R', 'C', '1'};
    for (int i = 0; i < 8; i++) {
        put_byte((unsigned char) magic[i]);
    }
    put_varint(1);
    return 1;
}

static void finish(void) {
    if (state == 1 && fd >= 0) {
        put_byte(OP_END);
        put_varint(events);
        flush_out();
        close(fd);
        fd = -1;
    }
    state = 2;
}

/* Decides on the first call whether this process records. Called under the lock. */
static void start(void) {
    const char *d = getenv("MALLOC_TRACE_DIR");
    if (d == NULL || *d == 0 || strlen(d) >= sizeof dir) {
        state = 2;
        return;
    }
    const char *only = getenv("MALLOC_TRACE_ONLY");
    if (only != NULL && *only != 0) {
        char name[64];
        read_comm(name, sizeof name);
        if (strcmp(name, only) != 0) {
            state = 2;
            return;
        }
    }
    const char *max = getenv("MALLOC_TRACE_MAX_EVENTS");
    if (max != NULL && *max != 0) {
        max_events = strtoull(max, NULL, 10);
    }
    strcpy(dir, d);
    state = 1; /* the file is opened by the first event */
}

/* Records one event; `id` is the block's id. Called under the lock, state == 1. */
static void record(int op, uint32_t id, uint64_t size, uint64_t align) {
    if (fd < 0 && !open_file()) {
        state = 2;
        return;
    }
    if (thread_index < 0 || thread_epoch != epoch) {
        thread_index = next_thread++;
        thread_epoch = epoch;
    }
    if (thread_index != last_thread) {
        put_byte((unsigned) op | 0x10);
        put_varint((uint64_t) thread_index);
        last_thread = thread_index;
    } else {
        put_byte((unsigned) op);
    }
    int64_t delta = (int64_t) id - (int64_t) last_id;
    put_varint(((uint64_t) delta << 1) ^ (uint64_t) (delta >> 63));
    last_id = id;
    if (op != OP_FREE) {
        put_varint(size);
    }
    if (op >= OP_POSIX_MEMALIGN && op <= OP_PVALLOC) {
        put_varint((uint64_t) __builtin_ctzll(align));
    }
    if (++events >= max_events) {
        finish();
    }
}

/* Takes the lock and says whether to record this call; 0 = pass through (lock not held). */
static int enter(void) {
    if (in_hook || resolving) {
        return 0;
    }
    resolve();
    in_hook = 1; /* before anything here might call malloc (getenv, snprintf) */
    pthread_mutex_lock(&lock);
    if (state == 0) {
        start();
    }
    if (state != 1) {
        pthread_mutex_unlock(&lock);
        in_hook = 0;
        return 0;
    }
    return 1;
}

static void leave(void) {
    in_hook = 0;
    pthread_mutex_unlock(&lock);
}

static void record_new(int op, void *p, uint64_t size, uint64_t align) {
    uint32_t id = id_new();
    table_put((uintptr_t) p, id);
    record(op, id, size, align);
}

static uint64_t pow2_at_least(uint64_t a) {
    uint64_t p = 1;
    while (p < a) {
        p <<= 1;
    }
    return p;
}

/* ---- fork: the child starts a trace of its own ------------------------------------------------------ */

static void before_fork(void) {
    pthread_mutex_lock(&lock);
}

static void after_fork_parent(void) {
    pthread_mutex_unlock(&lock);
}

static void after_fork_child(void) {
    pthread_mutex_init(&lock, NULL);
    if (state == 1) {
        /* The parent flushes what it buffered; the child forgets it, and every inherited block. */
        fd = -1;
        out_len = 0;
        if (cap) {
            memset(keys, 0, cap * sizeof *keys);
        }
        used = 0;
        free_len = 0;
        next_id = 0;
        last_id = 0;
        events = 0;
        next_thread = 0;
        last_thread = -1;
        epoch++; /* the file is opened by the child's first event */
    }
}

__attribute__((constructor)) static void init(void) {
    resolve();
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

__attribute__((destructor)) static void fini(void) {
    in_hook = 1;
    pthread_mutex_lock(&lock);
    finish();
    pthread_mutex_unlock(&lock);
    in_hook = 0;
}

/* ---- the interposed functions ----------------------------------------------------------------------- */

void *malloc(size_t n) {
    if (resolving) {
        return boot_alloc(n);
    }
    if (!enter()) {
        resolve();
        return real_malloc(n);
    }
    void *p = real_malloc(n);
    if (p != NULL) {
        record_new(OP_MALLOC, p, n, 0);
    }
    leave();
    return p;
}

void *calloc(size_t nmemb, size_t size) {
    if (resolving) {
        size_t total;
        return __builtin_mul_overflow(nmemb, size, &total) ? NULL : boot_alloc(total);
    }
    if (!enter()) {
        resolve();
        return real_calloc(nmemb, size);
    }
    void *p = real_calloc(nmemb, size);
    if (p != NULL) {
        record_new(OP_CALLOC, p, (uint64_t) nmemb * size, 0);
    }
    leave();
    return p;
}

void free(void *p) {
    if (p == NULL || is_boot(p)) {
        return;
    }
    if (!enter()) {
        resolve();
        real_free(p);
        return;
    }
    int64_t id = table_take((uintptr_t) p);
    real_free(p);
    if (id >= 0) {
        record(OP_FREE, (uint32_t) id, 0, 0);
        id_release((uint32_t) id);
    }
    leave();
}

/* realloc and reallocarray; `n` is the new size in bytes (already multiplied for reallocarray). */
static void *resize(void *p, size_t n, size_t nmemb, size_t size, int array) {
    if (is_boot(p)) {
        size_t old = *(size_t *) ((char *) p - 16);
        void *q = malloc(n);
        if (q != NULL) {
            memcpy(q, p, old < n ? old : n);
        }
        return q;
    }
    if (!enter()) {
        resolve();
        return array ? real_reallocarray(p, nmemb, size) : real_realloc(p, n);
    }
    void *q = array ? real_reallocarray(p, nmemb, size) : real_realloc(p, n);
    if (p == NULL) {
        if (q != NULL) {
            record_new(OP_MALLOC, q, n, 0);
        }
    } else if (q == NULL) {
        if (n == 0) { /* glibc: realloc(p, 0) frees p */
            int64_t id = table_take((uintptr_t) p);
            if (id >= 0) {
                record(OP_FREE, (uint32_t) id, 0, 0);
                id_release((uint32_t) id);
            }
        } /* else failed: p is unchanged, nothing to record */
    } else {
        int64_t id = table_take((uintptr_t) p);
        if (id >= 0) {
            table_put((uintptr_t) q, (uint32_t) id);
            record(OP_REALLOC, (uint32_t) id, n, 0);
        } else {
            record_new(OP_MALLOC, q, n, 0);
        }
    }
    leave();
    return q;
}

void *realloc(void *p, size_t n) {
    if (resolving) {
        return p == NULL ? boot_alloc(n) : NULL;
    }
    return resize(p, n, 0, 0, 0);
}

void *reallocarray(void *p, size_t nmemb, size_t size) {
    size_t n;
    if (__builtin_mul_overflow(nmemb, size, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    return resize(p, n, nmemb, size, 1);
}

int posix_memalign(void **res, size_t align, size_t n) {
    if (!enter()) {
        resolve();
        return real_posix_memalign(res, align, n);
    }
    int rc = real_posix_memalign(res, align, n);
    if (rc == 0 && *res != NULL) {
        record_new(OP_POSIX_MEMALIGN, *res, n, pow2_at_least(align));
    }
    leave();
    return rc;
}

static void *aligned(int op, size_t align, size_t n) {
    if (!enter()) {
        resolve();
        switch (op) {
            case OP_ALIGNED_ALLOC: return real_aligned_alloc(align, n);
            case OP_MEMALIGN: return real_memalign(align, n);
            case OP_VALLOC: return real_valloc(n);
            default: return real_pvalloc(n);
        }
    }
    void *p;
    uint64_t page = (uint64_t) sysconf(_SC_PAGESIZE);
    uint64_t size = n;
    uint64_t a = pow2_at_least(align);
    switch (op) {
        case OP_ALIGNED_ALLOC: p = real_aligned_alloc(align, n); break;
        case OP_MEMALIGN: p = real_memalign(align, n); break;
        case OP_VALLOC: p = real_valloc(n); a = page; break;
        default:
            p = real_pvalloc(n);
            a = page;
            size = n == 0 ? page : (n + page - 1) & ~(page - 1);
            break;
    }
    if (p != NULL) {
        record_new(op, p, size, a);
    }
    leave();
    return p;
}

void *aligned_alloc(size_t align, size_t n) {
    return aligned(OP_ALIGNED_ALLOC, align, n);
}

void *memalign(size_t align, size_t n) {
    return aligned(OP_MEMALIGN, align, n);
}

void *valloc(size_t n) {
    return aligned(OP_VALLOC, 0, n);
}

void *pvalloc(size_t n) {
    return aligned(OP_PVALLOC, 0, n);
}
