#define _GNU_SOURCE
#include "CTimerFD.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

int press_realtime_timer(void) { return timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC); }

int press_arm_at(int timer, long long seconds, long nanoseconds) {
    struct itimerspec setting;
    memset(&setting, 0, sizeof setting);
    setting.it_value.tv_sec = (time_t)seconds;
    setting.it_value.tv_nsec = nanoseconds;
    return timerfd_settime(timer, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &setting, NULL);
}

int press_event(void) { return eventfd(0, EFD_CLOEXEC); }

int press_heap_top_pad(int bytes) {
    return mallopt(M_TOP_PAD, bytes);
}

int press_exchange(const char *first, const char *second) {
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
}
