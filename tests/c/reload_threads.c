/*
 * Worker threads keep matching while the main thread replaces the list a thousand times
 * through a ddns_reloadable. Every answer must come from one whole list: list A knows
 * one.example (provider "a"), list B knows two.example (provider "b"), so on any snapshot
 * exactly one of the two names matches, with the provider of that list. Prints one line;
 * the test driver runs it plain and under valgrind (no leak, no invalid access).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "ddns.h"

#define WORKERS 3
#define RELOADS 1000

static ddns_reloadable *live;
static int stop;

static int matches(const ddns_matcher *m, const char *name, char *provider_id) {
  ddns_match found;
  ddns_provider provider;
  if (ddns_matcher_find(m, (const uint8_t *)name, strlen(name), &found) != DDNS_OK) return -1;
  if (found.verdict != DDNS_VERDICT_BLOCK) return 0;
  if (ddns_matcher_provider(m, found.provider, &provider) != DDNS_OK) return -1;
  *provider_id = provider.id[0];
  return 1;
}

static void *worker(void *arg) {
  long *lookups = (long *)arg;
  ddns_matcher *snapshot = NULL;
  uint64_t seen = 0;
  if (ddns_reloadable_acquire(live, &snapshot) != DDNS_OK) return (void *)1;
  seen = ddns_reloadable_generation(live);
  do { /* at least once, however the threads are scheduled */
    char first = 0, second = 0;
    int one = matches(snapshot, "x.one.example", &first);
    int two = matches(snapshot, "x.two.example", &second);
    if (one < 0 || two < 0 || one == two) return (void *)2;           /* mixed or empty */
    if ((one && first != 'a') || (two && second != 'b')) return (void *)3;
    (*lookups)++;
    if (ddns_reloadable_generation(live) != seen) {
      seen = ddns_reloadable_generation(live);
      ddns_matcher_free(snapshot);
      if (ddns_reloadable_acquire(live, &snapshot) != DDNS_OK) return (void *)4;
    }
  } while (!__atomic_load_n(&stop, __ATOMIC_RELAXED));
  ddns_matcher_free(snapshot);
  return NULL;
}

int main(void) {
  static const char list_a[] = "one.example a\n", list_b[] = "two.example b\n";
  ddns_matcher *a = NULL, *b = NULL;
  pthread_t threads[WORKERS];
  long lookups[WORKERS] = {0};
  int i, failed = 0;

  if (ddns_matcher_from_catalog((const uint8_t *)list_a, strlen(list_a), DDNS_CATALOG_LIST, &a) ||
      ddns_matcher_from_catalog((const uint8_t *)list_b, strlen(list_b), DDNS_CATALOG_LIST, &b) ||
      ddns_reloadable_new(a, &live)) {
    printf("setup failed: %s\n", ddns_last_error());
    return 1;
  }
  for (i = 0; i < WORKERS; i++) pthread_create(&threads[i], NULL, worker, &lookups[i]);
  for (i = 0; i < RELOADS; i++) {
    if (ddns_reloadable_replace(live, i % 2 == 0 ? b : a) != DDNS_OK) failed = 1;
    sched_yield();
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (i = 0; i < WORKERS; i++) {
    void *result;
    pthread_join(threads[i], &result);
    if (result != NULL) {
      printf("worker %d failed with %ld\n", i, (long)result);
      failed = 1;
    }
  }
  printf("reloads %llu, every answer from one whole list: %s\n",
         (unsigned long long)ddns_reloadable_generation(live), failed ? "no" : "yes");
  ddns_reloadable_free(live);
  ddns_matcher_free(a);
  ddns_matcher_free(b);
  return failed;
}
