#ifndef ARENA_CCRYPTO_SHIM_H
#define ARENA_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/sha.h>
#endif
