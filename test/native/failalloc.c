// LD_PRELOAD shim for test/kaf.allocation-failure.test.ts: fails one chosen heap allocation.
//
// Armed from JavaScript by allocating an ArrayBuffer of exactly FAILALLOC_ARM + n bytes: from then
// on, allocations of at least FAILALLOC_MIN bytes are counted (on every thread, or with
// FAILALLOC_WHERE=other only on threads other than the arming one) and the n-th returns NULL, as
// malloc does when memory runs out. n = 0 disarms. Each failure is reported on stderr.
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void* __libc_memalign(size_t, size_t);

static size_t armBase, minBytes;
static int otherThreadsOnly;
static atomic_long target;  // the n-th counted allocation fails; 0: disarmed
static atomic_long counted;
static atomic_long armingThread;

__attribute__((constructor)) static void configure(void) {
  const char* arm = getenv("FAILALLOC_ARM");
  const char* min = getenv("FAILALLOC_MIN");
  const char* where = getenv("FAILALLOC_WHERE");
  armBase = arm ? strtoull(arm, NULL, 10) : 0;
  minBytes = min ? strtoull(min, NULL, 10) : 1;
  otherThreadsOnly = where && strcmp(where, "other") == 0;
}

static long threadId(void) { return syscall(SYS_gettid); }

// Returns 1 when this allocation must fail; handles the arming sizes.
static int shouldFail(size_t size) {
  if (armBase != 0 && size >= armBase && size <= armBase + 100000) {
    atomic_store(&counted, 0);
    atomic_store(&armingThread, threadId());
    atomic_store(&target, (long)(size - armBase));
    return 0;
  }
  const long n = atomic_load(&target);
  if (n == 0 || size < minBytes) return 0;
  const long self = threadId();
  if (otherThreadsOnly && self == atomic_load(&armingThread)) return 0;
  if (atomic_fetch_add(&counted, 1) + 1 != n) return 0;
  char line[160];
  const int length = snprintf(line, sizeof line,
                              "failalloc: failed allocation %ld of %zu bytes on the %s thread\n", n,
                              size, self == atomic_load(&armingThread) ? "arming" : "other");
  if (length > 0) (void)!write(2, line, (size_t)length);
  errno = ENOMEM;
  return 1;
}

void* malloc(size_t size) { return shouldFail(size) ? NULL : __libc_malloc(size); }

void* calloc(size_t count, size_t size) {
  return count != 0 && shouldFail(count * size) ? NULL : __libc_calloc(count, size);
}

void* realloc(void* pointer, size_t size) {
  return shouldFail(size) ? NULL : __libc_realloc(pointer, size);
}

void* aligned_alloc(size_t alignment, size_t size) {
  return shouldFail(size) ? NULL : __libc_memalign(alignment, size);
}

void* memalign(size_t alignment, size_t size) {
  return shouldFail(size) ? NULL : __libc_memalign(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (shouldFail(size)) return ENOMEM;
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == NULL) return ENOMEM;
  *out = pointer;
  return 0;
}
