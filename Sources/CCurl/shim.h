#ifndef ARENA_CCURL_SHIM_H
#define ARENA_CCURL_SHIM_H
#include <curl/curl.h>

/* Swift cannot call C variadic functions: typed, non-variadic wrappers. */
static inline CURLcode arena_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode arena_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode arena_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*arena_curl_data_cb)(char *, size_t, size_t, void *);
static inline CURLcode arena_curl_setopt_cb(CURL *h, CURLoption o, arena_curl_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode arena_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode arena_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode arena_curl_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode arena_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
/* CURLMsg's result lives in an anonymous union. */
static inline CURLcode arena_curl_msg_result(const CURLMsg *m) { return m->data.result; }
static inline int arena_curl_msg_is_done(const CURLMsg *m) { return m->msg == CURLMSG_DONE; }
static inline CURLcode arena_curl_setopt_private(CURL *h, void *v) { return curl_easy_setopt(h, CURLOPT_PRIVATE, v); }
static inline CURLcode arena_curl_getinfo_private(CURL *h, void **v) { return curl_easy_getinfo(h, CURLINFO_PRIVATE, v); }
#endif
