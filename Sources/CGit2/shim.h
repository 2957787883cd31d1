#ifndef ARENA_CGIT2_SHIM_H
#define ARENA_CGIT2_SHIM_H
#include <git2.h>
#endif
