#ifndef ARENA_COPENBLAS_SHIM_H
#define ARENA_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
