/* What the code region benchmarks share: the size of what they publish,
 * and bench/common's clock, statistics and way of failing. Every program
 * here measures 64-byte functions (the function returning a constant of
 * test/code/machine_code.h, padded). */
#ifndef BENCH_CODE_H
#define BENCH_CODE_H

#include "bench_fail.h"
#include "bench_time.h"

#define FN_SIZE 64

#endif
