#include "Plugin.h"

#include <zeek/Reporter.h>
#include <zeek/RunState.h>
#include <zeek/ZeekString.h>

#include <cctype>

#include "ddns.bif.h"

namespace plugin::DDNS_Lookup {

Plugin plugin;

namespace {

const char* AbuseName(uint32_t abuse) {
    switch ( abuse ) {
        case DDNS_ABUSE_RESPONSIVE: return "responsive";
        case DDNS_ABUSE_SLOW: return "slow";
        case DDNS_ABUSE_UNRESPONSIVE: return "unresponsive";
        default: return "unknown";
    }
}

const char* ClassName(uint32_t provider_class) {
    switch ( provider_class ) {
        case DDNS_CLASS_FREE_ANONYMOUS: return "free-anonymous";
        case DDNS_CLASS_DEVICE_ASSIGNED: return "device-assigned";
        case DDNS_CLASS_BUSINESS_FIREWALL: return "business-firewall";
        case DDNS_CLASS_PAID: return "paid";
        default: return "unclassified";
    }
}

// "<status text>: <detail>" for the latest failure of a load call on this thread.
std::string Failure(ddns_status status) {
    std::string message = ddns_status_str(status);
    const char* detail = ddns_last_error();
    if ( detail && *detail ) {
        message += ": ";
        message += detail;
    }
    return message;
}

// Field offsets of DDNS::Match, looked up once.
struct MatchFields {
    int matched, allowed, provider, provider_name, base, sub_labels, abuse, provider_class, malformed;
};

const MatchFields& Fields() {
    static const MatchFields fields = [] {
        const auto& type = zeek::BifType::Record::DDNS::Match;
        return MatchFields{type->FieldOffset("matched"),       type->FieldOffset("allowed"),
                           type->FieldOffset("provider"),      type->FieldOffset("provider_name"),
                           type->FieldOffset("base"),          type->FieldOffset("sub_labels"),
                           type->FieldOffset("abuse"),         type->FieldOffset("provider_class"),
                           type->FieldOffset("malformed")};
    }();
    return fields;
}

} // namespace

zeek::plugin::Configuration Plugin::Configure() {
    zeek::plugin::Configuration config;
    config.name = "DDNS::Lookup";
    config.description = "Dynamic-DNS provider lookups through libddns";
    config.version.major = DDNS_PLUGIN_VERSION_MAJOR;
    config.version.minor = DDNS_PLUGIN_VERSION_MINOR;
    config.version.patch = DDNS_PLUGIN_VERSION_PATCH;
    return config;
}

void Plugin::InitPostScript() {
    zeek::plugin::Plugin::InitPostScript();
    const uint32_t found = ddns_abi_version();
    if ( found != DDNS_ABI_VERSION ) {
        Report("ddns: refusing libddns: it has ABI version " + std::to_string(found) +
               ", this plugin was built for ABI version " + std::to_string(DDNS_ABI_VERSION) +
               "; rebuild the plugin against the installed libddns (or install the libddns it "
               "was built with). No name will match.");
        return;
    }
    ddns_matcher* initial = nullptr;
    ddns_status status = ddns_matcher_new_default(&initial);
    if ( status == DDNS_OK )
        status = ddns_reloadable_new(initial, &holder_);
    ddns_matcher_free(initial);
    if ( status != DDNS_OK ) {
        Report("ddns: cannot set up the embedded default list: " + Failure(status));
        return;
    }
    usable_ = true;
}

void Plugin::Done() {
    // A refused library is never called again, not even to free nothing.
    if ( ! usable_ ) {
        zeek::plugin::Plugin::Done();
        return;
    }
    ddns_matcher_free(snapshot_);
    snapshot_ = nullptr;
    ddns_reloadable_free(holder_);
    holder_ = nullptr;
    usable_ = false;
    zeek::plugin::Plugin::Done();
}

void Plugin::Report(const std::string& message) {
    if ( zeek::run_state::detail::zeek_init_done )
        zeek::reporter->Error("%s", message.c_str());
    else
        zeek::reporter->Warning("%s", message.c_str());
}

std::string Plugin::LibraryVersion() const { return usable_ ? ddns_version() : ""; }

bool Plugin::LoadList(const std::string& path, bool verify) {
    if ( ! usable_ ) {
        Report("ddns: cannot load a list: libddns was refused at start-up");
        return false;
    }
    const std::string what = path.empty() ? "the embedded default list" : "list " + path;
    if ( path.find('\0') != std::string::npos ) {
        Report("ddns: cannot load " + what + ": the path holds a NUL byte; keeping the previous list");
        return false;
    }
    ddns_matcher* next = nullptr;
    ddns_status status =
        path.empty() ? ddns_matcher_new_default(&next) : ddns_matcher_open(path.c_str(), &next);
    // Opening checks the header and checksum; a list from anywhere but `ddns compile` may be
    // consistent in those only, which the full check (linear in the list) catches.
    if ( status == DDNS_OK && verify && ! path.empty() )
        status = ddns_matcher_verify(next);
    if ( status == DDNS_OK )
        status = ddns_reloadable_replace(holder_, next);
    if ( status != DDNS_OK ) {
        ddns_matcher_free(next);
        Report("ddns: cannot load " + what + ": " + Failure(status) + "; keeping the previous list");
        return false;
    }
    zeek::reporter->Info("ddns: loaded %s: %llu entries, %u providers", what.c_str(),
                         static_cast<unsigned long long>(ddns_matcher_entry_count(next)),
                         ddns_matcher_provider_count(next));
    ddns_matcher_free(next);
    return true;
}

const ddns_matcher* Plugin::Current() {
    const uint64_t generation = ddns_reloadable_generation(holder_);
    if ( snapshot_ && generation == snapshot_generation_ )
        return snapshot_;
    ddns_matcher* fresh = nullptr;
    const ddns_status status = ddns_reloadable_acquire(holder_, &fresh);
    if ( status != DDNS_OK ) {
        Report("ddns: cannot acquire the current list: " + Failure(status));
        return snapshot_; // the previous list, or none
    }
    ddns_matcher_free(snapshot_);
    snapshot_ = fresh;
    snapshot_generation_ = generation;
    return snapshot_;
}

ddns_match Plugin::Find(const ddns_matcher* matcher, const zeek::String* input, bool host) {
    ddns_match found{};
    if ( ! matcher || input->Len() <= 0 )
        return found;
    const auto status = host ? ddns_matcher_find_host(matcher, input->Bytes(), input->Len(), &found)
                             : ddns_matcher_find(matcher, input->Bytes(), input->Len(), &found);
    if ( status != DDNS_OK ) {
        Report(std::string("ddns: lookup failed: ") + ddns_status_str(status));
        return ddns_match{};
    }
    return found;
}

zeek::RecordValPtr Plugin::Lookup(const zeek::String* input, bool host) {
    const ddns_matcher* matcher = usable_ ? Current() : nullptr;
    return ToRecord(matcher, Find(matcher, input, host), input);
}

bool Plugin::Listed(const zeek::String* input, bool host) {
    const ddns_matcher* matcher = usable_ ? Current() : nullptr;
    return Find(matcher, input, host).verdict != DDNS_VERDICT_NONE;
}

zeek::RecordValPtr Plugin::ToRecord(const ddns_matcher* matcher, const ddns_match& found,
                                    const zeek::String* input) {
    const auto& fields = Fields();
    auto record = zeek::make_intrusive<zeek::RecordVal>(zeek::BifType::Record::DDNS::Match);
    record->Assign(fields.matched, found.verdict == DDNS_VERDICT_BLOCK);
    record->Assign(fields.allowed, found.verdict == DDNS_VERDICT_ALLOW);
    record->Assign(fields.malformed, (found.flags & DDNS_MATCH_MALFORMED) != 0);
    record->Assign(fields.sub_labels, static_cast<uint64_t>(found.sub_labels));
    if ( found.verdict == DDNS_VERDICT_NONE )
        return record;

    ddns_provider provider{};
    const ddns_status status = ddns_matcher_provider(matcher, found.provider, &provider);
    if ( status == DDNS_OK ) {
        record->Assign(fields.provider, zeek::make_intrusive<zeek::StringVal>(provider.id_len, provider.id));
        record->Assign(fields.provider_name,
                       zeek::make_intrusive<zeek::StringVal>(provider.name_len, provider.name));
        record->Assign(fields.provider_class, ClassName(provider.provider_class));
    }
    else
        Report(std::string("ddns: cannot describe provider ") + std::to_string(found.provider) + ": " +
               ddns_status_str(status));
    record->Assign(fields.abuse, AbuseName(found.abuse));
    // The base domain as it appears in the input, in lower case (as the list holds it).
    const size_t length = static_cast<size_t>(input->Len());
    if ( found.base_offset <= length && found.base_len <= length - found.base_offset ) {
        std::string base(reinterpret_cast<const char*>(input->Bytes()) + found.base_offset, found.base_len);
        for ( auto& byte : base )
            byte = static_cast<char>(std::tolower(static_cast<unsigned char>(byte)));
        record->Assign(fields.base, zeek::make_intrusive<zeek::StringVal>(base));
    }
    return record;
}

} // namespace plugin::DDNS_Lookup
