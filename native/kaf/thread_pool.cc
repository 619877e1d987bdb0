#include "thread_pool.h"

#include <cstdlib>
#include <exception>
#include <string>

namespace kaf {

ThreadCount defaultThreadCount() {
  const unsigned cores = std::thread::hardware_concurrency();
  ThreadCount result{cores > 0 ? static_cast<int>(cores) : 1, {}};
  if (const char* env = std::getenv("KAF_NUM_THREADS"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long requested = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && requested >= 1 && requested <= kMaxThreads) {
      result.count = static_cast<int>(requested);
    } else {
      result.warning = "KAF_NUM_THREADS='" + std::string(env).substr(0, 40) +
                       "' is not an integer in [1, " + std::to_string(kMaxThreads) +
                       "]: ignored, using " + std::to_string(result.count) + " threads (the cores)";
    }
  }
  return result;
}

ThreadPool& ThreadPool::instance() {
  // Created on first use (thread-safe) and never destroyed: a destructor run by exit() while a
  // worker_thread is still inside parallelFor would join or free what that call is using. The
  // operating system ends the threads with the process.
  static ThreadPool* pool = new ThreadPool(defaultThreadCount().count);
  return *pool;
}

ThreadPool::ThreadPool(int numThreads) {
  for (int i = 1; i < numThreads; ++i) {
    // Out of threads or memory: work with the threads started so far (a throw here would destroy
    // joinable threads, which terminates the process).
    try {
      workers_.emplace_back([this] { workerLoop(); });
    } catch (const std::exception&) {
      break;
    }
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  workAvailable_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}
std::pair<ThreadPool::Job*, int64_t> ThreadPool::claimTask() {
  Job* job = jobs_.front();
  const int64_t index = job->nextTask++;
  if (job->nextTask == job->numTasks) jobs_.pop_front();  // every task is claimed
  return {job, index};
}

std::exception_ptr ThreadPool::runTask(Job* job, int64_t index) {
  try {
    (*job->task)(index);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

bool ThreadPool::settleTask(Job* job, std::exception_ptr error) {
  if (error && !job->error) job->error = std::move(error);
  return ++job->doneTasks == job->numTasks;
}

void ThreadPool::finishTask(Job* job, std::exception_ptr error) {
  // The job lives on its caller's stack: after this increment (under the lock) no worker touches
  // it again, so the caller may return as soon as it sees doneTasks == numTasks.
  std::lock_guard<std::mutex> lock(mutex_);
  if (settleTask(job, std::move(error))) jobFinished_.notify_all();
}

void ThreadPool::workerLoop() {
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex_);
    workAvailable_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    auto [job, index] = claimTask();
    // After a failure the remaining tasks are only counted: the call is lost anyway.
    const bool skip = job->error != nullptr;
    lock.unlock();
    finishTask(job, skip ? nullptr : runTask(job, index));
  }
}

void ThreadPool::parallelFor(int64_t numTasks, const std::function<void(int64_t)>& task) {
  if (numTasks <= 0) return;
  if (numTasks == 1 || workers_.empty()) {
    // No other thread runs a task of this call: an exception may leave directly.
    for (int64_t i = 0; i < numTasks; ++i) task(i);
    return;
  }
  Job job{&task, numTasks, 0, 0, nullptr};
  std::unique_lock<std::mutex> lock(mutex_);
  jobs_.push_back(&job);
  workAvailable_.notify_all();
  // The caller works too, on its own job only, until every task of it is claimed.
  while (job.nextTask < job.numTasks) {
    // Our job may sit behind another caller's job: claim from ours directly.
    const int64_t index = job.nextTask++;
    if (job.nextTask == job.numTasks) {
      for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
        if (*it == &job) {
          jobs_.erase(it);
          break;
        }
      }
    }
    const bool skip = job.error != nullptr;
    lock.unlock();
    std::exception_ptr error = skip ? nullptr : runTask(&job, index);
    lock.lock();
    settleTask(&job, std::move(error));  // the caller waits below: no notification needed
  }
  jobFinished_.wait(lock, [&job] { return job.doneTasks == job.numTasks; });
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace kaf
