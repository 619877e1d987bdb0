// A small process-wide pool of worker threads for the CPU kernels.
//
// One pool per process (the addon is loaded once even when several worker_threads use it), sized
// to the machine's cores or to the KAF_NUM_THREADS environment variable. Several JS threads may
// call parallelFor at the same time: each call is its own job and waits only for its own tasks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "limits.h"

namespace kaf {

class ThreadPool {
 public:
  // The shared pool, created on first use.
  static ThreadPool& instance();

  explicit ThreadPool(int numThreads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads that run tasks, the calling thread included.
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(0) .. task(numTasks - 1), spread over the pool and the calling thread, and returns
  // when all have finished. A task may throw (a failed allocation): the tasks not yet started are
  // skipped, and the first exception is rethrown on the calling thread once no task of the call
  // runs any more, so nothing outlives the call's stack. Tasks must not call parallelFor.
  void parallelFor(int64_t numTasks, const std::function<void(int64_t)>& task);

 private:
  struct Job {
    const std::function<void(int64_t)>* task;
    int64_t numTasks;
    int64_t nextTask = 0;      // guarded by mutex_
    int64_t doneTasks = 0;     // guarded by mutex_
    std::exception_ptr error;  // the first task's exception; guarded by mutex_
  };

  void workerLoop();
  // Claims the next task of the front job; mutex_ must be held and jobs_ non-empty.
  std::pair<Job*, int64_t> claimTask();
  // Runs one task of `job` unless an earlier one failed; returns its exception, if any.
  static std::exception_ptr runTask(Job* job, int64_t index);
  // Counts a finished task and keeps the job's first exception; mutex_ must be held. True when it
  // was the job's last task.
  static bool settleTask(Job* job, std::exception_ptr error);
  void finishTask(Job* job, std::exception_ptr error);

  std::mutex mutex_;
  std::condition_variable workAvailable_;
  std::condition_variable jobFinished_;
  std::deque<Job*> jobs_;  // jobs with unclaimed tasks, oldest first
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Thread count from KAF_NUM_THREADS when it holds an integer in [1, kMaxThreads], else the core
// count, with a warning naming the refused value.
struct ThreadCount {
  int count;
  std::string warning;  // empty when KAF_NUM_THREADS is unset or valid
};
ThreadCount defaultThreadCount();

}  // namespace kaf
