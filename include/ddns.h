/*
 * ddns.h - the C interface of libddns.
 *
 * libddns tells whether a host name belongs to a dynamic-DNS (DDNS) provider, and which one:
 * "x7.duckdns.org" -> Duck DNS. It is the C face of the Rust crate ddns-core; this header is
 * written by hand and is the contract. Conventions that hold for every function (statuses,
 * ownership, threads, strings) are in include/README.md; each declaration below repeats what
 * is particular to it.
 *
 * Link with `pkg-config --cflags --libs ddns` (shared) or `--static` (static).
 * Licensed MIT OR Apache-2.0.
 */
#ifndef DDNS_H
#define DDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The library version this header belongs to. */
#define DDNS_VERSION_MAJOR 0
#define DDNS_VERSION_MINOR 1
#define DDNS_VERSION_PATCH 0
#define DDNS_VERSION_STRING "0.1.0"

/*
 * The ABI version: bumped (with the SONAME, libddns.so.N) by any change that breaks a
 * compiled caller, such as a new size of ddns_match. Compare it with ddns_abi_version() when
 * the library is loaded, and refuse to run on a mismatch.
 */
#define DDNS_ABI_VERSION 1

/* The compiled list format version this library writes; it reads version 3 lists too. */
#define DDNS_FORMAT_VERSION 4

#ifdef __cplusplus
extern "C" {
#endif

/* ddns:cdef-begin */

/*
 * The result of every fallible function. DDNS_OK is 0; any other value is a failure, and
 * ddns_status_str() names it. Values are never renumbered or reused.
 */
typedef int32_t ddns_status;

enum {
  /* Success. */
  DDNS_OK = 0,
  /* A required pointer argument was NULL (or a NULL byte pointer came with a length). */
  DDNS_ERR_NULL_ARG = 1,
  /* A name or input of zero length. */
  DDNS_ERR_EMPTY = 2,
  /* An argument has a value the function does not know (an unknown format or mode). */
  DDNS_ERR_INVALID_ARG = 3,
  /* A file could not be opened, read or mapped. ddns_last_error() names it. */
  DDNS_ERR_IO = 4,
  /* A compiled list is truncated, corrupt or not a compiled list. */
  DDNS_ERR_CORRUPT_LIST = 5,
  /* A compiled list uses another format version; rebuild it with `ddns compile`. */
  DDNS_ERR_LIST_VERSION = 6,
  /* Catalog text does not parse: ddns_last_error() gives the line and the reason. */
  DDNS_ERR_CATALOG = 7,
  /* A catalog parsed but cannot be compiled (conflicting entries, too large). */
  DDNS_ERR_BUILD = 8,
  /* An index (of a provider) is out of range. */
  DDNS_ERR_OUT_OF_RANGE = 9,
  /* The library caught an internal panic; the call had no effect. Please report it. */
  DDNS_ERR_PANIC = 10
};

/* What a lookup decided: the winning entry's kind, or no entry at all. */
enum {
  /* The name is under no listed entry. */
  DDNS_VERDICT_NONE = 0,
  /* The name is under a DDNS provider's base domain: a match. */
  DDNS_VERDICT_BLOCK = 1,
  /* The name is under an exception (allow entry) longer than any block entry over it. */
  DDNS_VERDICT_ALLOW = 2
};

/* Bits of ddns_match.flags. */
enum {
  /* The name breaks host name rules (bad bytes, empty or long labels, bad port); the verdict
     stands all the same. */
  DDNS_MATCH_MALFORMED = 1,
  /* In a batch: this name was empty or NULL and was not looked up. */
  DDNS_MATCH_INVALID_INPUT = 2,
  /* The name is a zone's apex: the domain of a block entry under which a provider hands out
     names, itself the provider's own (its site, name servers). The verdict is
     DDNS_VERDICT_ALLOW. Lists of format version 3 mark no zones. */
  DDNS_MATCH_ZONE_APEX = 4
};

/* A provider's abuse posture (ddns_provider.abuse, ddns_match.abuse). */
enum {
  DDNS_ABUSE_UNKNOWN = 0,
  DDNS_ABUSE_RESPONSIVE = 1,
  DDNS_ABUSE_SLOW = 2,
  DDNS_ABUSE_UNRESPONSIVE = 3
};

/* Bits of ddns_provider.flags. */
enum {
  /* Anyone can get a host name under this provider's domains for free. */
  DDNS_PROVIDER_FREE_SUBDOMAINS = 1
};

/* Who gets a host name from a provider, and how (ddns_provider.provider_class; the catalog's
   `class`, docs/catalog.md): lets an engine weigh a hit. */
enum {
  /* Not stated (lists that do not say). */
  DDNS_CLASS_UNCLASSIFIED = 0,
  /* Anyone can register names for free with an e-mail address or a third-party login. */
  DDNS_CLASS_FREE_ANONYMOUS = 1,
  /* Names come with a router, NAS, camera or recorder the user owns. */
  DDNS_CLASS_DEVICE_ASSIGNED = 2,
  /* Names of licensed or managed business firewalls and appliances. */
  DDNS_CLASS_BUSINESS_FIREWALL = 3,
  /* Names come only with a paid plan or a customer contract. */
  DDNS_CLASS_PAID = 4
};

/* Whether a provider still runs (ddns_provider.service_status; the catalog's `status`). */
enum {
  DDNS_SERVICE_ACTIVE = 0,
  /* Still runs, but some of its domains are no longer offered to new users. */
  DDNS_SERVICE_LEGACY = 1,
  /* Shut down: its names no longer follow anyone's address; listed for old configurations
     and logs. */
  DDNS_SERVICE_CLOSED = 2
};

/* Text formats of a catalog for ddns_matcher_from_catalog(). */
enum {
  /* [[provider]] tables with entries = [{ domain = "...", source = "..." }]. */
  DDNS_CATALOG_TOML = 1,
  /* The same structure as JSON: {"provider": [...]}. */
  DDNS_CATALOG_JSON = 2,
  /* One domain per line, optional provider id column, '!' for exceptions, '#' comments. */
  DDNS_CATALOG_LIST = 3
};

/* How the names of a batch are written (ddns_matcher_find_batch). */
enum {
  /* Dotted names, as ddns_matcher_find(). */
  DDNS_INPUT_NAME = 0,
  /* Host strings with optional port, as ddns_matcher_find_host(). */
  DDNS_INPUT_HOST = 1,
  /* DNS wire-format names, as ddns_matcher_find_wire(). */
  DDNS_INPUT_WIRE = 2
};

/*
 * An immutable compiled list that answers lookups.
 * Ownership: created by a ddns_matcher_new_* / _open / _from_* function, released with
 * ddns_matcher_free().
 * Threads: every function taking a const ddns_matcher * may be called from any number of
 * threads at once on the same matcher.
 */
typedef struct ddns_matcher ddns_matcher;

/*
 * A holder of the current matcher that one thread can replace while others keep matching.
 * Ownership: created by ddns_reloadable_new(), released with ddns_reloadable_free().
 * Threads: all its functions may be called from any thread at any time.
 */
typedef struct ddns_reloadable ddns_reloadable;

/*
 * The answer of a lookup, written by the library into storage the caller owns.
 * Its size is fixed for an ABI version; the reserved words are zero.
 */
typedef struct ddns_match {
  /* DDNS_VERDICT_NONE, _BLOCK or _ALLOW. When NONE, every other field is zero. */
  uint32_t verdict;
  /* Index of the provider, for ddns_matcher_provider(). */
  uint32_t provider;
  /* The winning entry's rank in the compiled list (stable for one list file). */
  uint32_t entry;
  /* Labels in front of the base domain (0 when the name is the entry itself). */
  uint32_t sub_labels;
  /* Byte offset of the base domain inside the caller's input (for wire names, of the
     length byte of its first label). */
  size_t base_offset;
  /* Length in bytes of the base domain inside the caller's input. */
  size_t base_len;
  /* DDNS_MATCH_* bits. */
  uint32_t flags;
  /* The provider's DDNS_ABUSE_* posture, copied here for the hot path. */
  uint32_t abuse;
  /* Zero; room for later fields within the same ABI version. */
  uint64_t reserved[4];
} ddns_match;

/*
 * A provider's details. Every string is NUL-terminated, with its length (without the NUL)
 * beside it, and points into the matcher: valid until that matcher is freed.
 */
typedef struct ddns_provider {
  /* Short stable identifier, such as "duckdns". */
  const char *id;
  size_t id_len;
  /* Display name, such as "Duck DNS". */
  const char *name;
  size_t name_len;
  /* Web site URL, or "" when unknown. */
  const char *website;
  size_t website_len;
  /* ISO 3166-1 alpha-2 country code, or "" when unknown. */
  const char *country;
  size_t country_len;
  /* DDNS_ABUSE_* posture. */
  uint32_t abuse;
  /* DDNS_PROVIDER_* bits. */
  uint32_t flags;
  /* Number of block entries (base domains) and allow entries of this provider. */
  uint32_t block_entries;
  uint32_t allow_entries;
  /* DDNS_CLASS_* (earlier builds of ABI 1 left this word zero: unclassified). */
  uint32_t provider_class;
  /* DDNS_SERVICE_* (earlier builds of ABI 1 left this word zero: active). */
  uint32_t service_status;
  /* Zero; room for later fields within the same ABI version. */
  uint64_t reserved[1];
} ddns_provider;

/*
 * One input of a batch: a pointer and a length. The bytes need no NUL terminator.
 */
typedef struct ddns_name {
  const uint8_t *ptr;
  size_t len;
} ddns_name;

/*
 * Returns the ABI version of the loaded library; compare it with DDNS_ABI_VERSION.
 * Ownership: nothing to free. Threads: any thread.
 * Returns: the number; never fails.
 */
uint32_t ddns_abi_version(void);

/*
 * Returns the library version and the list format it reads, such as
 * "ddns 0.1.0 (abi 1, list format 4)".
 * Ownership: a static string; do not free it. Threads: any thread.
 * Returns: never NULL.
 */
const char *ddns_version(void);

/*
 * Returns a short English description of a status, for any value, known or not.
 * Ownership: a static string; do not free it. Threads: any thread.
 * Returns: never NULL.
 */
const char *ddns_status_str(ddns_status status);

/*
 * Returns details of the latest failure of a load or build function on the calling thread:
 * the file, line, offset and reason, such as "list.txt:3: 'a..b': empty label".
 * Ownership: owned by the library; valid until this thread's next call of a ddns_ function.
 * Threads: each thread has its own message. Lookups never change it.
 * Returns: never NULL; an empty string when there is nothing to report.
 */
const char *ddns_last_error(void);

/*
 * Creates a matcher for the default list of DDNS providers embedded in the library. No text
 * is parsed; the list is shared by every matcher made this way.
 * Ownership: on DDNS_OK, *out is a new matcher the caller frees with ddns_matcher_free().
 * Threads: any thread.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG when out is NULL.
 */
ddns_status ddns_matcher_new_default(ddns_matcher **out);

/*
 * Opens a compiled list file (written by `ddns compile`), memory-mapped and checked (header,
 * sizes, checksum, provider records) before use; ddns_matcher_verify() also checks its index.
 * Processes opening the same file share its memory.
 * Replace a mapped file by renaming a new file over it, never by rewriting it in place.
 * Ownership: path is only read during the call. On DDNS_OK, *out is a new matcher the
 * caller frees with ddns_matcher_free().
 * Threads: any thread.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG; DDNS_ERR_EMPTY for ""; DDNS_ERR_IO;
 * DDNS_ERR_CORRUPT_LIST; DDNS_ERR_LIST_VERSION. ddns_last_error() has the details.
 */
ddns_status ddns_matcher_open(const char *path, ddns_matcher **out);

/*
 * Loads a compiled list from memory, checked like ddns_matcher_open(). The bytes are copied.
 * Ownership: bytes are only read during the call. On DDNS_OK, *out is a new matcher the
 * caller frees with ddns_matcher_free().
 * Threads: any thread.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG; DDNS_ERR_EMPTY; DDNS_ERR_INVALID_ARG for len over
 * PTRDIFF_MAX; DDNS_ERR_CORRUPT_LIST; DDNS_ERR_LIST_VERSION. ddns_last_error() has the
 * details.
 */
ddns_status ddns_matcher_from_bytes(const uint8_t *bytes, size_t len, ddns_matcher **out);

/*
 * Compiles catalog text (format DDNS_CATALOG_TOML, _JSON or _LIST; UTF-8) into a matcher.
 * Ownership: text is only read during the call. On DDNS_OK, *out is a new matcher the
 * caller frees with ddns_matcher_free().
 * Threads: any thread.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG; DDNS_ERR_EMPTY; DDNS_ERR_INVALID_ARG for an unknown
 * format or len over PTRDIFF_MAX; DDNS_ERR_CATALOG (with line and reason in ddns_last_error(),
 * also for text that is not UTF-8); DDNS_ERR_BUILD, also for a catalog without entries (it
 * would match nothing).
 */
ddns_status ddns_matcher_from_catalog(const uint8_t *text, size_t len, uint32_t format,
                                      ddns_matcher **out);

/*
 * Frees a matcher. Strings it handed out become invalid. NULL does nothing.
 * Ownership: takes matcher; do not use it afterwards. Freeing twice is undefined behaviour.
 * Threads: no other thread may be using this matcher.
 */
void ddns_matcher_free(ddns_matcher *matcher);

/*
 * Looks up a dotted host name ("x7.duckdns.org", case-insensitive, one trailing dot
 * allowed). Any bytes are accepted; bytes DNS would not allow set DDNS_MATCH_MALFORMED but
 * never hide a match. Allocation-free.
 * Ownership: name is only read during the call; *out is caller storage, written on DDNS_OK.
 * Threads: any number of threads on one matcher.
 * Returns: DDNS_OK (check out->verdict); DDNS_ERR_NULL_ARG; DDNS_ERR_EMPTY for len 0;
 * DDNS_ERR_INVALID_ARG for len over PTRDIFF_MAX.
 */
ddns_status ddns_matcher_find(const ddns_matcher *matcher, const uint8_t *name, size_t len,
                              ddns_match *out);

/*
 * Looks up a host string as found in an HTTP Host header, a URL or a TLS SNI: "name",
 * "name:port", "[v6]:port". IP literals never match; only text that parses as an address is
 * one, so "[x7.duckdns.org]:443" or "x7.duckdns.org::" is looked up like a name. Such
 * wrapping, and a port that is not 1-5 digits, sets DDNS_MATCH_MALFORMED; base_offset counts
 * from the start of host as given. Allocation-free.
 * Ownership: host is only read during the call; *out is caller storage, written on DDNS_OK.
 * Threads: any number of threads on one matcher.
 * Returns: DDNS_OK (check out->verdict); DDNS_ERR_NULL_ARG; DDNS_ERR_EMPTY for len 0;
 * DDNS_ERR_INVALID_ARG for len over PTRDIFF_MAX.
 */
ddns_status ddns_matcher_find_host(const ddns_matcher *matcher, const uint8_t *host, size_t len,
                                   ddns_match *out);

/*
 * Looks up a name in DNS wire format (length-prefixed labels, root label optional, bytes
 * after it ignored). Gives the same verdict as the dotted form. A compression pointer or a
 * truncated label gives DDNS_VERDICT_NONE: decompress the name first. Allocation-free.
 * Ownership: wire is only read during the call; *out is caller storage, written on DDNS_OK.
 * Threads: any number of threads on one matcher.
 * Returns: DDNS_OK (check out->verdict); DDNS_ERR_NULL_ARG; DDNS_ERR_EMPTY for len 0;
 * DDNS_ERR_INVALID_ARG for len over PTRDIFF_MAX.
 */
ddns_status ddns_matcher_find_wire(const ddns_matcher *matcher, const uint8_t *wire, size_t len,
                                   ddns_match *out);

/*
 * Looks up count names in one call; results[i] answers names[i]. mode is DDNS_INPUT_NAME,
 * _HOST or _WIRE. An empty or NULL name gets DDNS_VERDICT_NONE with DDNS_MATCH_INVALID_INPUT
 * and does not stop the batch. Cheaper per name than single calls.
 * Ownership: names and their bytes are only read during the call; results is caller storage
 * for count entries, written on DDNS_OK.
 * Threads: any number of threads on one matcher.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG (matcher NULL, or names/results NULL with count > 0);
 * DDNS_ERR_INVALID_ARG for an unknown mode or a count no array can hold (names or results
 * over PTRDIFF_MAX bytes). A name whose len is over PTRDIFF_MAX gets DDNS_MATCH_INVALID_INPUT.
 */
ddns_status ddns_matcher_find_batch(const ddns_matcher *matcher, const ddns_name *names,
                                    size_t count, uint32_t mode, ddns_match *results);

/*
 * Checks the matcher's list completely, in time linear in its size (about 3 s for two
 * million entries): every entry of its suffix index well-formed and where lookups look for
 * it, so that every answer agrees with the entries the list holds, and its FST (the list's
 * canonical form) holding exactly those entries. Loading already refuses
 * corrupt and truncated files (by their checksum); call this for a list from a source that
 * may not have built it with `ddns compile`. Lookups on an unchecked list are memory-safe and
 * bounded all the same.
 * Threads: any thread; the matcher is not changed.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG; DDNS_ERR_CORRUPT_LIST, with ddns_last_error() naming
 * the first inconsistency.
 */
ddns_status ddns_matcher_verify(const ddns_matcher *matcher);

/*
 * Returns the number of providers in the list (valid indexes are 0 to count-1).
 * Threads: any thread. Returns: 0 when matcher is NULL.
 */
uint32_t ddns_matcher_provider_count(const ddns_matcher *matcher);

/*
 * Returns the number of entries (block and allow) in the list.
 * Threads: any thread. Returns: 0 when matcher is NULL.
 */
uint64_t ddns_matcher_entry_count(const ddns_matcher *matcher);

/*
 * Says whether the list file this matcher memory-maps (from ddns_matcher_open) was rewritten
 * in place since it was opened: its size or modification time, read from the still open file
 * (one fstat), differs from when it was mapped. A file replaced by renaming a new one over its
 * path is not rewritten. Call it when reloading, to report a deployment that copied over a
 * live list: such a matcher's answers cannot be trusted. An after-the-fact check, not a
 * protection; a same-size rewrite that keeps the modification time goes unseen.
 * Threads: any thread. Returns: false when matcher is NULL or does not map a file
 * (ddns_matcher_new_default, _from_bytes, _from_catalog); true when the file cannot be
 * examined.
 */
bool ddns_matcher_file_changed(const ddns_matcher *matcher);

/*
 * Describes provider number index (ddns_match.provider).
 * Ownership: *out is caller storage, written on DDNS_OK; its strings point into the
 * matcher and stay valid until the matcher is freed.
 * Threads: any number of threads on one matcher.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG; DDNS_ERR_OUT_OF_RANGE.
 */
ddns_status ddns_matcher_provider(const ddns_matcher *matcher, uint32_t index,
                                  ddns_provider *out);

/*
 * Creates a holder whose current matcher is initial. The holder shares initial's list; the
 * caller still owns initial and may free it at once.
 * Ownership: on DDNS_OK, *out is a new holder the caller frees with ddns_reloadable_free().
 * Threads: any thread.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG.
 */
ddns_status ddns_reloadable_new(const ddns_matcher *initial, ddns_reloadable **out);

/*
 * Makes next the current matcher. Lookups in progress finish on the previous list; a worker
 * sees the change through ddns_reloadable_generation() and ddns_reloadable_acquire().
 * Ownership: the holder shares next's list; the caller still owns next and may free it.
 * Threads: any thread, while others acquire and match.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG.
 */
ddns_status ddns_reloadable_replace(const ddns_reloadable *holder, const ddns_matcher *next);

/*
 * Returns a new matcher handle on the current list: a worker's own snapshot, unaffected by
 * later replacements, whose matches and provider strings stay consistent.
 * Ownership: on DDNS_OK, *out is a new matcher the caller frees with ddns_matcher_free().
 * Threads: any thread; never waits for a replacement.
 * Returns: DDNS_OK; DDNS_ERR_NULL_ARG.
 */
ddns_status ddns_reloadable_acquire(const ddns_reloadable *holder, ddns_matcher **out);

/*
 * Returns how many times ddns_reloadable_replace() has run on this holder: a worker keeps
 * the number it acquired at and acquires again when it changes (one atomic load).
 * Threads: any thread. Returns: 0 when holder is NULL.
 */
uint64_t ddns_reloadable_generation(const ddns_reloadable *holder);

/*
 * Frees a holder. Matchers acquired from it stay valid. NULL does nothing.
 * Ownership: takes holder; do not use it afterwards. Freeing twice is undefined behaviour.
 * Threads: no other thread may be using this holder.
 */
void ddns_reloadable_free(ddns_reloadable *holder);

/* ddns:cdef-end */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DDNS_H */
