#ifndef ARENA_CCURL_SHIM_H
#define ARENA_CCURL_SHIM_H
#include <curl/curl.h>
#include <sys/epoll.h>

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
/* The multi socket interface: socket and timer callbacks, and their user pointers. */
typedef int (*arena_curl_socket_cb)(CURL *, curl_socket_t, int, void *, void *);
typedef int (*arena_curl_timer_cb)(CURLM *, long, void *);
static inline CURLMcode arena_curl_multi_setopt_ptr(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode arena_curl_multi_setopt_socket_cb(CURLM *m, arena_curl_socket_cb cb) { return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, cb); }
static inline CURLMcode arena_curl_multi_setopt_timer_cb(CURLM *m, arena_curl_timer_cb cb) { return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, cb); }
/* epoll for the multi socket interface, without epoll_event's packed layout crossing into Swift. */
static inline int arena_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
static inline int arena_epoll_ctl(int ep, int op, int fd, int want_in, int want_out) {
  struct epoll_event ev; ev.events = (want_in ? EPOLLIN : 0) | (want_out ? EPOLLOUT : 0); ev.data.fd = fd;
  return epoll_ctl(ep, op, fd, &ev);
}
static inline int arena_epoll_add(void) { return EPOLL_CTL_ADD; }
static inline int arena_epoll_mod(void) { return EPOLL_CTL_MOD; }
static inline int arena_epoll_del(void) { return EPOLL_CTL_DEL; }
/* Waits for up to max events; fds[i] gets the socket, select[i] its CURL_CSELECT_* bits. */
static inline int arena_epoll_wait_curl(int ep, int *fds, int *select, int max, int timeout_ms) {
  struct epoll_event evs[64];
  if (max > 64) max = 64;
  int n = epoll_wait(ep, evs, max, timeout_ms);
  for (int i = 0; i < n; i++) {
    fds[i] = evs[i].data.fd;
    select[i] = ((evs[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((evs[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0)
              | ((evs[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
  }
  return n;
}
#endif
