-- ddns.lua: libddns inside Suricata 7, through LuaJIT's ffi.
--
-- The rule scripts ddns-dns.lua, ddns-tls.lua and ddns-http.lua run this file and call
-- rule(kind), which defines the init() and match() functions Suricata asks a Lua rule script
-- for. Suricata runs a rule script in a Lua state of its own for every worker thread (and in
-- one more while it parses the rule); each state runs this file once: it loads libddns,
-- refuses a library of another ABI version, and opens the list. match() then makes one
-- lookup per buffer and returns 1 only when the name is under a DDNS provider's domain
-- (verdict block), after putting the provider into flowvars, which EVE writes into the alert.
--
-- Settings: a global variable set by a wrapper script before it runs a rule script wins over
-- the environment variable of the same name (plugins/suricata/README.md shows both).
--   DDNS_LIBRARY  the library to load, a path or a file name the dynamic loader finds;
--                 default "libddns.so.1", what `make install` puts in PREFIX/lib.
--   DDNS_LIST     a compiled list file (`ddns compile`); default: the list built into libddns.
--   DDNS_IGNORE_CLASSES
--                 provider classes whose names never alert, separated by commas or spaces
--                 (`business-firewall,paid`); default: none. docs/catalog.md defines them.
--
-- A missing library, a library of another ABI version or a list that does not open makes the
-- script raise an error while Suricata parses the rule, which refuses that rule (and fails
-- suricata -T) with the reason in Suricata's log; in a worker thread's state the same is
-- logged once and leaves the rule matching nothing. Nothing raises an error per packet.

local ffi = require("ffi")

local ddns = {}

-- The ABI version this file is written for: DDNS_ABI_VERSION in include/ddns.h.
ddns.ABI_VERSION = 1

-- The declarations of include/ddns.h this file uses, each written as in the header (its
-- comments left out); tests/tests/suricata.rs checks every one against the header.
ddns.CDEF = [==[
typedef int32_t ddns_status;

enum {
  DDNS_OK = 0,
  DDNS_ERR_NULL_ARG = 1,
  DDNS_ERR_EMPTY = 2,
  DDNS_ERR_INVALID_ARG = 3,
  DDNS_ERR_IO = 4,
  DDNS_ERR_CORRUPT_LIST = 5,
  DDNS_ERR_LIST_VERSION = 6,
  DDNS_ERR_CATALOG = 7,
  DDNS_ERR_BUILD = 8,
  DDNS_ERR_OUT_OF_RANGE = 9,
  DDNS_ERR_PANIC = 10
};

enum {
  DDNS_VERDICT_NONE = 0,
  DDNS_VERDICT_BLOCK = 1,
  DDNS_VERDICT_ALLOW = 2
};

enum {
  DDNS_CLASS_UNCLASSIFIED = 0,
  DDNS_CLASS_FREE_ANONYMOUS = 1,
  DDNS_CLASS_DEVICE_ASSIGNED = 2,
  DDNS_CLASS_BUSINESS_FIREWALL = 3,
  DDNS_CLASS_PAID = 4
};

typedef struct ddns_matcher ddns_matcher;

typedef struct ddns_match {
  uint32_t verdict;
  uint32_t provider;
  uint32_t entry;
  uint32_t sub_labels;
  size_t base_offset;
  size_t base_len;
  uint32_t flags;
  uint32_t abuse;
  uint64_t reserved[4];
} ddns_match;

typedef struct ddns_provider {
  const char *id;
  size_t id_len;
  const char *name;
  size_t name_len;
  const char *website;
  size_t website_len;
  const char *country;
  size_t country_len;
  uint32_t abuse;
  uint32_t flags;
  uint32_t block_entries;
  uint32_t allow_entries;
  uint32_t provider_class;
  uint32_t service_status;
  uint64_t reserved[1];
} ddns_provider;

uint32_t ddns_abi_version(void);

const char *ddns_status_str(ddns_status status);

const char *ddns_last_error(void);

ddns_status ddns_matcher_new_default(ddns_matcher **out);

ddns_status ddns_matcher_open(const char *path, ddns_matcher **out);

void ddns_matcher_free(ddns_matcher *matcher);

ddns_status ddns_matcher_find(const ddns_matcher *matcher, const uint8_t *name, size_t len,
                              ddns_match *out);

ddns_status ddns_matcher_find_host(const ddns_matcher *matcher, const uint8_t *host, size_t len,
                                   ddns_match *out);

ddns_status ddns_matcher_verify(const ddns_matcher *matcher);

ddns_status ddns_matcher_provider(const ddns_matcher *matcher, uint32_t index,
                                  ddns_provider *out);
]==]

-- Where a Lua state keeps the declarations it holds. Suricata reuses Lua states: after a rule
-- reload (kill -USR2, reload-rules) or the next unix-socket pcap-file, a rule script may run
-- again in a state that ran it before, and a second ffi.cdef of the same names fails there
-- ("attempt to redefine"). package.loaded outlives the script's own variables.
local DECLARED = "ddns.cdef"

-- Declares ddns.CDEF in this Lua state once. Returns true, or nil and a message.
local function declare()
  local held = package.loaded[DECLARED]
  if held == ddns.CDEF then
    return true
  end
  if held ~= nil then
    -- Another version of these scripts declared other types in this state; their layout
    -- may differ from this file's and LuaJIT cannot replace them.
    return nil, "this Lua state holds the C declarations of other ddns scripts (loaded "
      .. "before a rule reload); restart Suricata after replacing the scripts"
  end
  local declared, problem = pcall(ffi.cdef, ddns.CDEF)
  if not declared then
    return nil, "LuaJIT cannot read the C declarations: " .. tostring(problem)
      .. (string.find(tostring(problem), "attempt to redefine", 1, true)
        and " (another script declared these names in this Lua state; restart Suricata)"
        or "")
  end
  package.loaded[DECLARED] = ddns.CDEF
  return true
end

-- The header's constants used on every lookup, read from the declarations by open().
local DDNS_OK, DDNS_VERDICT_BLOCK

-- The flowvars a match sets, in the order init() declares them: ScFlowvarSet takes the index.
local FLOWVARS = { "ddns_provider", "ddns_provider_id", "ddns_base", "ddns_provider_class" }

-- Writes one line through Suricata's logger, or standard error where the state has none.
local function log(message)
  local logger = rawget(_G, "SCLogError")
  message = "ddns: " .. message
  if type(logger) == "function" then
    pcall(logger, message)
  else
    pcall(function() io.stderr:write(message, "\n") end)
  end
end

-- A setting: the global variable, else the environment variable; nil when unset or empty.
local function setting(name)
  local value = rawget(_G, name)
  if value == nil then
    value = os.getenv(name)
  end
  if value == nil or value == "" then
    return nil
  end
  return tostring(value)
end

-- This state's library, matcher and result storage, set by open().
local lib, matcher, found, provider_out
local providers = {}
-- The name of each DDNS_CLASS_* value, and the set of class names DDNS_IGNORE_CLASSES names;
-- set by open().
local class_names, ignored_classes = {}, {}

-- Reads DDNS_IGNORE_CLASSES into ignored_classes. Returns true, or nil and a message.
local function read_ignored_classes()
  ignored_classes = {}
  local known = {}
  for _, name in pairs(class_names) do
    known[name] = true
  end
  for name in string.gmatch(setting("DDNS_IGNORE_CLASSES") or "", "[^,%s]+") do
    if not known[name] then
      local names = {}
      for value = 0, #class_names do
        names[#names + 1] = class_names[value]
      end
      return nil, string.format("DDNS_IGNORE_CLASSES names an unknown class '%s' (one of %s)",
        name, table.concat(names, ", "))
    end
    ignored_classes[name] = true
  end
  return true
end

-- Loads the library, checks its ABI and opens the list. Returns true, or nil and a message.
local function open()
  local library = setting("DDNS_LIBRARY") or "libddns.so.1"
  local declared, problem = declare()
  if not declared then
    return nil, problem
  end
  DDNS_OK, DDNS_VERDICT_BLOCK = ffi.C.DDNS_OK, ffi.C.DDNS_VERDICT_BLOCK
  class_names = {
    [tonumber(ffi.C.DDNS_CLASS_UNCLASSIFIED)] = "unclassified",
    [tonumber(ffi.C.DDNS_CLASS_FREE_ANONYMOUS)] = "free-anonymous",
    [tonumber(ffi.C.DDNS_CLASS_DEVICE_ASSIGNED)] = "device-assigned",
    [tonumber(ffi.C.DDNS_CLASS_BUSINESS_FIREWALL)] = "business-firewall",
    [tonumber(ffi.C.DDNS_CLASS_PAID)] = "paid",
  }
  local classes_read, classes_problem = read_ignored_classes()
  if not classes_read then
    return nil, classes_problem
  end
  local loaded, handle = pcall(ffi.load, library)
  if not loaded then
    return nil, string.format(
      "cannot load %s (%s); install libddns (make install PREFIX=/usr/local, then ldconfig) "
        .. "or set DDNS_LIBRARY to its path",
      library, tostring(handle))
  end
  local asked, abi = pcall(function() return handle.ddns_abi_version() end)
  if not asked then
    return nil, string.format("%s is not libddns: %s", library, tostring(abi))
  end
  if abi ~= ddns.ABI_VERSION then
    return nil, string.format(
      "%s has ABI version %d, these scripts need ABI version %d; install the libddns that "
        .. "came with them",
      library, tonumber(abi), ddns.ABI_VERSION)
  end
  local out = ffi.new("ddns_matcher *[1]")
  local list = setting("DDNS_LIST")
  local status
  if list then
    status = handle.ddns_matcher_open(list, out)
    if status == DDNS_OK then
      -- A list named in the configuration may come from anywhere: check its index too.
      status = handle.ddns_matcher_verify(out[0])
      if status ~= DDNS_OK then
        local why = ffi.string(handle.ddns_last_error())
        handle.ddns_matcher_free(out[0])
        return nil, string.format("cannot use the list %s: %s: %s", list,
          ffi.string(handle.ddns_status_str(status)), why)
      end
    end
  else
    status = handle.ddns_matcher_new_default(out)
  end
  if status ~= DDNS_OK then
    return nil, string.format("cannot open the list %s: %s: %s",
      list or "built into libddns", ffi.string(handle.ddns_status_str(status)),
      ffi.string(handle.ddns_last_error()))
  end
  lib = handle
  -- Freed when Suricata closes the state (rule reload, shutdown).
  matcher = ffi.gc(out[0], handle.ddns_matcher_free)
  found = ffi.new("ddns_match")
  provider_out = ffi.new("ddns_provider")
  return true
end

-- The display name, id and class name of provider number index, read once per state.
local function provider(index)
  local known = providers[index]
  if known == nil then
    if lib.ddns_matcher_provider(matcher, index, provider_out) == DDNS_OK then
      known = {
        name = ffi.string(provider_out.name, tonumber(provider_out.name_len)),
        id = ffi.string(provider_out.id, tonumber(provider_out.id_len)),
        class = class_names[tonumber(provider_out.provider_class)] or "unclassified",
      }
    else
      known = { name = "unknown", id = "unknown", class = "unclassified" }
    end
    providers[index] = known
  end
  return known
end

-- True when input (a string from Suricata) is a DDNS host name for lookup, which is
-- lib.ddns_matcher_find or lib.ddns_matcher_find_host; found then holds the answer.
local function blocked(lookup, input)
  return type(input) == "string" and #input > 0
    and lookup(matcher, input, #input, found) == DDNS_OK
    and found.verdict == DDNS_VERDICT_BLOCK
end

-- What each rule script inspects: the buffers init() asks Suricata for, and a function that
-- returns the offending input or nil. The lookups take the raw bytes as Suricata has them.
local kinds = {
  -- One DNS query name per call (Suricata calls match() for every question).
  dns = {
    needs = { ["dns.rrname"] = tostring(true) },
    inspect = function(args)
      local name = args["dns.rrname"]
      if blocked(lib.ddns_matcher_find, name) then
        return name
      end
    end,
  },
  -- The server name of a TLS ClientHello.
  tls = {
    needs = { tls = tostring(true) },
    inspect = function()
      local server_name = TlsGetSNI()
      if blocked(lib.ddns_matcher_find_host, server_name) then
        return server_name
      end
    end,
  },
  -- The Host header as sent (port, case and trailing dot included), then the host libhtp
  -- took from the request (an absolute URI's host wins over the header there).
  http = {
    needs = { ["http.request_headers"] = tostring(true) },
    inspect = function()
      local host = HttpGetRequestHeader("Host")
      if blocked(lib.ddns_matcher_find_host, host) then
        return host
      end
      local parsed = HttpGetRequestHost()
      if parsed ~= host and blocked(lib.ddns_matcher_find_host, parsed) then
        return parsed
      end
    end,
  },
}

-- The packet being inspected, as far as a rule script can tell it: the flow (its tuple and
-- start) and the time of the flow's latest packet. Suricata gives a transaction's match() no
-- packet, but the flow's latest packet is the one being inspected. nil when Suricata does
-- not tell.
local function current_packet()
  local known, start_s, last_s, start_us, last_us = pcall(SCFlowTimestamps)
  local told, _, src, dst, proto, sp, dp = pcall(SCFlowTuple)
  if not (known and told) then
    return nil
  end
  return table.concat({ tostring(src), tostring(dst), tostring(proto), tostring(sp),
    tostring(dp), tostring(start_s), tostring(start_us), tostring(last_s), tostring(last_us) },
    " ")
end

-- The matches made on the packet being inspected: Suricata writes an alert's flowvars when it
-- is done with the whole packet, so when one packet carries two matching transactions
-- (pipelined HTTP requests, DNS-over-TCP queries in one segment) every alert of it shows the
-- flowvars as the last match left them. Each match adds its provider to those of the
-- packet's earlier matches instead of overwriting them, so that every alert names its own.
local packet, matches = nil, {}

-- Records a match of provider who on base domain base, and sets the flowvars to every
-- distinct match of the packet, in the order they were made.
local function record(who, base)
  local now = current_packet()
  if now == nil or now ~= packet then
    packet, matches = now, {}
  end
  local seen = false
  for _, earlier in ipairs(matches) do
    if earlier.who == who and earlier.base == base then
      seen = true
    end
  end
  if not seen then
    matches[#matches + 1] = { who = who, base = base }
  end
  local names, ids, bases, classes = {}, {}, {}, {}
  for at, one in ipairs(matches) do
    names[at], ids[at], bases[at], classes[at] = one.who.name, one.who.id, one.base,
      one.who.class
  end
  local name, id, base_list, class_list = table.concat(names, ", "), table.concat(ids, ","),
    table.concat(bases, ","), table.concat(classes, ",")
  ScFlowvarSet(0, name, #name)
  ScFlowvarSet(1, id, #id)
  ScFlowvarSet(2, base_list, #base_list)
  ScFlowvarSet(3, class_list, #class_list)
end

-- Defines the global init() and match() of a rule script inspecting kind ("dns", "tls" or
-- "http"), and prepares this state's matcher.
function ddns.rule(kind)
  local inspects = kinds[kind]
  assert(inspects, "ddns.rule: unknown kind " .. tostring(kind))
  local ready, problem = open()
  if not ready then
    if rawget(_G, "SCLogError") == nil then
      -- Suricata is parsing the rule (at start-up, under suricata -T, at a rule reload): this
      -- state is Suricata's check of the script, with no logger. An error here refuses the
      -- rule alone, with the reason in Suricata's log, and makes suricata -T fail; the other
      -- rules load and run.
      error("ddns: " .. problem .. "; the " .. kind .. " rule is not loaded", 0)
    end
    log(problem .. "; the " .. kind .. " rule matches nothing")
  end
  -- Suricata may run another rule script in this Lua state after a rule reload: a wrapper's
  -- settings must not outlive the script that set them.
  rawset(_G, "DDNS_LIBRARY", nil)
  rawset(_G, "DDNS_LIST", nil)
  rawset(_G, "DDNS_IGNORE_CLASSES", nil)

  function init(_)
    local needs = {}
    for key, value in pairs(inspects.needs) do
      needs[key] = value
    end
    needs["flowvar"] = FLOWVARS
    return needs
  end

  function match(args)
    if not ready then
      return 0
    end
    local ok, input = pcall(inspects.inspect, args)
    if not ok then
      ready = false
      log("the " .. kind .. " rule stops matching after an error: " .. tostring(input))
      return 0
    end
    if input == nil then
      return 0
    end
    local who = provider(found.provider)
    if ignored_classes[who.class] then
      return 0
    end
    local from = tonumber(found.base_offset)
    local base = string.lower(string.sub(input, from + 1, from + tonumber(found.base_len)))
    record(who, base)
    return 1
  end
end

return ddns
