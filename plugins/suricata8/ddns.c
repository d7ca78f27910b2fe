/*
 * ddns.c - the ddns plugin for Suricata 8: the transforms `ddns_provider` and `ddns_base`.
 *
 * After a sticky buffer holding a host name (dns.query, tls.sni, http.host), `ddns_provider`
 * turns the buffer into the id of the dynamic-DNS provider libddns finds for the name
 * ("x7.duckdns.org" -> "duckdns") and `ddns_base` into the base domain it matched
 * ("duckdns.org"). A name that is no DDNS block match (no entry, or an allow entry) leaves an
 * empty buffer, on which every content or dataset match fails. README.md here says how rules
 * use them.
 *
 * libddns is opened with dlopen when the plugin is initialised, not linked, so that a missing
 * or foreign library is a logged error and a refused rule rather than a plugin Suricata skips
 * with a notice: DDNS_LIBRARY, else `ddns.library` in suricata.yaml, else the library
 * pkg-config named at build time. The list is opened once per detection engine (first start
 * and every rule reload): DDNS_LIST, else `ddns.list`, else the list embedded in libddns.
 *
 * Threads: rules are parsed on one thread at a time per engine (a lock guards the shared
 * state all the same); the transforms run on every worker thread, only reading an immutable
 * matcher, which libddns allows from any number of threads.
 *
 * Licensed MIT OR Apache-2.0.
 */
#include "suricata-common.h"
#include "suricata-plugin.h"
#include "conf.h"
#include "detect.h"
#include "detect-engine-buffer.h"
#include "detect-engine-helper.h"
#include "detect-engine-inspect-buffer.h"
#include "detect-engine-register.h"
#include "util-debug.h"

#include <dlfcn.h>
#include <pthread.h>

#include <ddns.h>

#ifndef DDNS_PLUGIN_VERSION
#define DDNS_PLUGIN_VERSION DDNS_VERSION_STRING
#endif

/* The library opened when DDNS_LIBRARY and ddns.library say nothing: the Makefile passes the
   path pkg-config gives, else the SONAME is looked up the usual way. */
#ifndef DDNS_DEFAULT_LIBRARY
#define DDNS_DEFAULT_LIBRARY "libddns.so." DDNS_STRINGIFY(DDNS_ABI_VERSION)
#endif
#define DDNS_STRINGIFY(x) DDNS_STRINGIFY_(x)
#define DDNS_STRINGIFY_(x) #x

/* The functions of libddns this plugin calls, typed from ddns.h, resolved with dlsym. */
static struct {
    __typeof__(&ddns_abi_version) abi_version;
    __typeof__(&ddns_version) version;
    __typeof__(&ddns_status_str) status_str;
    __typeof__(&ddns_last_error) last_error;
    __typeof__(&ddns_matcher_new_default) matcher_new_default;
    __typeof__(&ddns_matcher_open) matcher_open;
    __typeof__(&ddns_matcher_verify) matcher_verify;
    __typeof__(&ddns_matcher_free) matcher_free;
    __typeof__(&ddns_matcher_find_host) matcher_find_host;
    __typeof__(&ddns_matcher_provider) matcher_provider;
    __typeof__(&ddns_matcher_provider_count) matcher_provider_count;
    __typeof__(&ddns_matcher_entry_count) matcher_entry_count;
} lib;

/* Why the library is unusable, or "" once it is loaded. Written at plugin init only. */
static char lib_error[1024] = "libddns was not loaded";
static bool lib_ready = false;

/*
 * One opened list, the transforms' context in every rule of one detection engine.
 *
 * Suricata hands a rule's transform context to the engine's buffer map, and a second rule with
 * the same buffer and transforms shares the first rule's map: its context is dropped without a
 * Free call, and the map's one context gets Free(NULL, ...) when the engine is torn down. So
 * the list is closed (its matcher freed) at the first Free(NULL, ...), the engine's end, or
 * when every rule that took it failed to load (Free(de_ctx, ...) for each); the small struct
 * itself stays allocated, since other maps of the same engine still name it in their Free.
 */
typedef struct DdnsList {
    ddns_matcher *matcher;
    /* Provider ids by provider index, pointing into the matcher. */
    uint32_t providers;
    const char **ids;
    uint32_t *id_lens;
    /* Rules that took it and have not failed (under lock). */
    uint32_t refs;
    /* The matcher is freed (under lock). */
    bool closed;
} DdnsList;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* The list of the engine whose rules are being parsed, and that engine (under lock). Closing
   the list clears these, so the engine they name is alive. */
static DdnsList *current = NULL;
static const DetectEngineCtx *current_engine = NULL;

static int provider_transform_id = -1;
static int base_transform_id = -1;

/* A setting: the environment variable, else the suricata.yaml key; NULL when neither. */
static const char *Setting(const char *variable, const char *key)
{
    const char *value = getenv(variable);
    if (value != NULL && value[0] != '\0')
        return value;
    if (SCConfGet(key, &value) == 1 && value != NULL && value[0] != '\0')
        return value;
    return NULL;
}

static void LoadLibrary(void)
{
    const char *path = Setting("DDNS_LIBRARY", "ddns.library");
    if (path == NULL)
        path = DDNS_DEFAULT_LIBRARY;
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(lib_error, sizeof(lib_error),
                "cannot load libddns (%s): %s; install libddns or set DDNS_LIBRARY or "
                "ddns.library to its path",
                path, dlerror());
        SCLogError("ddns: %s", lib_error);
        return;
    }
    lib.abi_version = (__typeof__(lib.abi_version))dlsym(handle, "ddns_abi_version");
    if (lib.abi_version == NULL) {
        snprintf(lib_error, sizeof(lib_error), "%s is not libddns: no ddns_abi_version", path);
        SCLogError("ddns: %s", lib_error);
        dlclose(handle);
        return;
    }
    uint32_t abi = lib.abi_version();
    if (abi != DDNS_ABI_VERSION) {
        snprintf(lib_error, sizeof(lib_error),
                "%s has ABI version %" PRIu32 ", this plugin needs ABI version %d: rebuild the "
                "plugin against that libddns, or install a libddns of ABI version %d",
                path, abi, DDNS_ABI_VERSION, DDNS_ABI_VERSION);
        SCLogError("ddns: %s", lib_error);
        dlclose(handle);
        return;
    }
#define DDNS_RESOLVE(field, symbol)                                                             \
    do {                                                                                       \
        lib.field = (__typeof__(lib.field))dlsym(handle, #symbol);                             \
        if (lib.field == NULL) {                                                               \
            snprintf(lib_error, sizeof(lib_error), "%s lacks %s", path, #symbol);              \
            SCLogError("ddns: %s", lib_error);                                                 \
            dlclose(handle);                                                                   \
            return;                                                                            \
        }                                                                                      \
    } while (0)
    DDNS_RESOLVE(version, ddns_version);
    DDNS_RESOLVE(status_str, ddns_status_str);
    DDNS_RESOLVE(last_error, ddns_last_error);
    DDNS_RESOLVE(matcher_new_default, ddns_matcher_new_default);
    DDNS_RESOLVE(matcher_open, ddns_matcher_open);
    DDNS_RESOLVE(matcher_verify, ddns_matcher_verify);
    DDNS_RESOLVE(matcher_free, ddns_matcher_free);
    DDNS_RESOLVE(matcher_find_host, ddns_matcher_find_host);
    DDNS_RESOLVE(matcher_provider, ddns_matcher_provider);
    DDNS_RESOLVE(matcher_provider_count, ddns_matcher_provider_count);
    DDNS_RESOLVE(matcher_entry_count, ddns_matcher_entry_count);
#undef DDNS_RESOLVE
    lib_ready = true;
    lib_error[0] = '\0';
    SCLogConfig("ddns: loaded %s from %s", lib.version(), path);
}

/* Frees a list no rule holds yet (ListOpen's failures). */
static void ListFree(DdnsList *list)
{
    if (list == NULL)
        return;
    lib.matcher_free(list->matcher);
    SCFree(list->ids);
    SCFree(list->id_lens);
    SCFree(list);
}

/* Frees the list's matcher once its engine is gone or no rule holds it; call under lock. */
static void ListClose(DdnsList *list)
{
    if (list->closed)
        return;
    list->closed = true;
    if (current == list) {
        current = NULL;
        current_engine = NULL;
    }
    lib.matcher_free(list->matcher);
    list->matcher = NULL;
    SCFree(list->ids);
    list->ids = NULL;
    SCFree(list->id_lens);
    list->id_lens = NULL;
}

/* Opens the list for a new engine; logs why and returns NULL when it cannot. */
static DdnsList *ListOpen(void)
{
    const char *path = Setting("DDNS_LIST", "ddns.list");
    ddns_matcher *matcher = NULL;
    ddns_status status;
    if (path == NULL) {
        status = lib.matcher_new_default(&matcher);
        if (status != DDNS_OK) {
            SCLogError("ddns: cannot create the default list: %s", lib.status_str(status));
            return NULL;
        }
    } else {
        status = lib.matcher_open(path, &matcher);
        if (status != DDNS_OK) {
            SCLogError("ddns: cannot open the list %s: %s: %s", path, lib.status_str(status),
                    lib.last_error());
            return NULL;
        }
        /* The full check, linear in the list's size (about 1.5 s per million entries), unless
           `ddns.verify: no` says the list comes from a `ddns compile` one trusts: loading has
           checked its checksum already. */
        int verify = 1;
        if (SCConfGetBool("ddns.verify", &verify) != 1)
            verify = 1;
        status = verify ? lib.matcher_verify(matcher) : DDNS_OK;
        if (status != DDNS_OK) {
            SCLogError("ddns: cannot use the list %s: %s: %s", path, lib.status_str(status),
                    lib.last_error());
            lib.matcher_free(matcher);
            return NULL;
        }
    }
    DdnsList *list = SCCalloc(1, sizeof(*list));
    uint32_t providers = lib.matcher_provider_count(matcher);
    if (list == NULL) {
        lib.matcher_free(matcher);
        SCLogError("ddns: out of memory");
        return NULL;
    }
    list->matcher = matcher;
    list->providers = providers;
    list->ids = SCCalloc(providers ? providers : 1, sizeof(*list->ids));
    list->id_lens = SCCalloc(providers ? providers : 1, sizeof(*list->id_lens));
    if (list->ids == NULL || list->id_lens == NULL) {
        ListFree(list);
        SCLogError("ddns: out of memory");
        return NULL;
    }
    for (uint32_t i = 0; i < providers; i++) {
        ddns_provider provider;
        if (lib.matcher_provider(matcher, i, &provider) != DDNS_OK ||
                provider.id_len > UINT32_MAX) {
            SCLogError("ddns: the list %s has an unreadable provider %" PRIu32,
                    path ? path : "(default)", i);
            ListFree(list);
            return NULL;
        }
        list->ids[i] = provider.id;
        list->id_lens[i] = (uint32_t)provider.id_len;
    }
    SCLogNotice("ddns: list %s: %" PRIu64 " entries, %" PRIu32 " providers",
            path ? path : "(default, embedded in libddns)", lib.matcher_entry_count(matcher),
            providers);
    return list;
}

/* Called for each rule using a transform: the list of the rule's engine, opened for the
   engine's first such rule. */
static int Setup(DetectEngineCtx *de_ctx, Signature *s, int transform, const char *keyword)
{
    if (!lib_ready) {
        SCLogError("ddns: %s: rule not loaded: %s", keyword, lib_error);
        return -1;
    }
    pthread_mutex_lock(&lock);
    if (current == NULL || current_engine != de_ctx) {
        DdnsList *list = ListOpen();
        if (list == NULL) {
            pthread_mutex_unlock(&lock);
            SCLogError("ddns: %s: rule not loaded: the list did not open", keyword);
            return -1;
        }
        /* An earlier engine's list stays with that engine's rules. */
        current = list;
        current_engine = de_ctx;
    }
    DdnsList *list = current;
    list->refs++;
    pthread_mutex_unlock(&lock);
    if (SCDetectSignatureAddTransform(s, transform, list) != 0) {
        pthread_mutex_lock(&lock);
        if (--list->refs == 0)
            ListClose(list);
        pthread_mutex_unlock(&lock);
        return -1;
    }
    return 0;
}

static int SetupProvider(DetectEngineCtx *de_ctx, Signature *s, const char *options)
{
    (void)options;
    return Setup(de_ctx, s, provider_transform_id, "ddns_provider");
}

static int SetupBase(DetectEngineCtx *de_ctx, Signature *s, const char *options)
{
    (void)options;
    return Setup(de_ctx, s, base_transform_id, "ddns_base");
}

/* Free(de_ctx, ...): a rule that took the list failed to load. Free(NULL, ...): the engine's
   buffer maps are being freed, with the engine; no transform runs on it any more. */
static void Free(DetectEngineCtx *de_ctx, void *context)
{
    DdnsList *list = context;
    if (list == NULL)
        return;
    pthread_mutex_lock(&lock);
    if (de_ctx == NULL || (list->refs > 0 && --list->refs == 0))
        ListClose(list);
    pthread_mutex_unlock(&lock);
}

/* Makes the buffer `length` bytes from `bytes` (which may lie inside it), ASCII letters in
   lower case when `lower`; empty on failure. */
static void Replace(InspectionBuffer *buffer, const uint8_t *bytes, uint32_t length, bool lower)
{
    uint8_t *out = SCInspectionBufferCheckAndExpand(buffer, length > 0 ? length : 1);
    if (out == NULL) {
        buffer->inspect_len = 0;
        return;
    }
    if (length > 0)
        memmove(out, bytes, length);
    if (lower) {
        for (uint32_t i = 0; i < length; i++)
            out[i] = (out[i] >= 'A' && out[i] <= 'Z') ? (uint8_t)(out[i] + 32) : out[i];
    }
    SCInspectionBufferTruncate(buffer, length);
}

/* The block match of the buffer's name, or false. */
static bool Find(const DdnsList *list, const InspectionBuffer *buffer, ddns_match *match)
{
    if (buffer->inspect == NULL || buffer->inspect_len == 0)
        return false;
    return lib.matcher_find_host(list->matcher, buffer->inspect, buffer->inspect_len, match) ==
                   DDNS_OK &&
           match->verdict == DDNS_VERDICT_BLOCK;
}

static void TransformProvider(DetectEngineThreadCtx *det_ctx, InspectionBuffer *buffer, void *context)
{
    (void)det_ctx;
    const DdnsList *list = context;
    ddns_match match;
    if (!Find(list, buffer, &match) || match.provider >= list->providers) {
        Replace(buffer, NULL, 0, false);
        return;
    }
    /* The id lives in the matcher, not in the buffer: a reallocation cannot move it. */
    Replace(buffer, (const uint8_t *)list->ids[match.provider], list->id_lens[match.provider], false);
}

static void TransformBase(DetectEngineThreadCtx *det_ctx, InspectionBuffer *buffer, void *context)
{
    (void)det_ctx;
    const DdnsList *list = context;
    ddns_match match;
    if (!Find(list, buffer, &match) || match.base_offset > buffer->inspect_len ||
            match.base_len > buffer->inspect_len - match.base_offset) {
        Replace(buffer, NULL, 0, false);
        return;
    }
    /* The base is a part of the input, no longer than it: the buffer needs no growth, so the
       input stays where it is even when it is the buffer itself (memmove). Written in lower
       case, as the list spells it, so that rules compare it without nocase. */
    Replace(buffer, buffer->inspect + match.base_offset, (uint32_t)match.base_len, true);
}

static void RegisterTransforms(void)
{
    SCTransformTableElmt provider = {
        .name = "ddns_provider",
        .desc = "replace a host name by the id of its dynamic-DNS provider (empty when none)",
        .url = "plugins/suricata8/README.md in the ddns sources",
        .flags = SIGMATCH_NOOPT,
        .Setup = SetupProvider,
        .Free = Free,
        .Transform = TransformProvider,
    };
    provider_transform_id = SCDetectHelperTransformRegister(&provider);
    SCTransformTableElmt base = {
        .name = "ddns_base",
        .desc = "replace a host name by the dynamic-DNS base domain it is under (empty when "
                "none)",
        .url = "plugins/suricata8/README.md in the ddns sources",
        .flags = SIGMATCH_NOOPT,
        .Setup = SetupBase,
        .Free = Free,
        .Transform = TransformBase,
    };
    base_transform_id = SCDetectHelperTransformRegister(&base);
    if (provider_transform_id < 0 || base_transform_id < 0)
        SCLogError("ddns: cannot register the ddns_provider and ddns_base transforms");
}

static void Init(void)
{
    LoadLibrary();
    /* Registered even when libddns is unusable: rules using the transforms are then refused
       with the reason, instead of being skipped as if the plugin were not installed. */
    if (SCSigTablePreRegister(RegisterTransforms) != 0)
        SCLogError("ddns: cannot register the transforms");
}

SCPlugin *SCPluginRegister(void);

SCPlugin *SCPluginRegister(void)
{
    static SCPlugin plugin = {
        .version = SC_API_VERSION,
        .suricata_version = SC_PACKAGE_VERSION,
        .name = "ddns",
        .plugin_version = DDNS_PLUGIN_VERSION,
        .license = "MIT OR Apache-2.0",
        .author = "the ddns authors",
        .Init = Init,
    };
    return &plugin;
}
