// Linux's timerfd and eventfd, malloc's tuning and renameat2, which Swift's Glibc module leaves
// out: the scheduler sleeps until a wall-clock deadline on a timerfd that the kernel cancels
// when the clock is set; a build swaps the new site folder with the old one in one step.
// Plain integers and strings only, so that no system type is defined twice for Swift.
#pragma once

/// A CLOCK_REALTIME timerfd (close-on-exec), or -1 with errno set.
int press_realtime_timer(void);

/// Arms `timer` to fire when the wall clock reads `seconds`.`nanoseconds` (since the epoch), and
/// to be cancelled when the clock is set (TFD_TIMER_CANCEL_ON_SET). 0, or -1 with errno set
/// (ECANCELED: the clock was set while arming).
int press_arm_at(int timer, long long seconds, long nanoseconds);

/// An eventfd (close-on-exec), or -1 with errno set.
int press_event(void);

/// Has malloc grow the heap `bytes` beyond each request (M_TOP_PAD); 1 done, 0 not.
int press_heap_top_pad(int bytes);

/// Swaps the paths `first` and `second` (both must exist) in one step (renameat2's
/// RENAME_EXCHANGE). 0, or -1 with errno set (EINVAL: the file system cannot).
int press_exchange(const char *first, const char *second);
