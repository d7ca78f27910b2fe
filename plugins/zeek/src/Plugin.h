// The DDNS::Lookup Zeek plugin: a thin shim over libddns (include/ddns.h). It holds the
// current list in a ddns_reloadable, answers the BiFs of ddns.bif and turns every libddns
// failure into a reporter message. It holds no matching logic of its own.
#pragma once

#include <zeek/Val.h>
#include <zeek/plugin/Plugin.h>

#include <cstdint>
#include <string>

#include <ddns.h>

namespace plugin::DDNS_Lookup {

class Plugin : public zeek::plugin::Plugin {
public:
    // Looks up a dotted name (host == false) or a host string with an optional port
    // (host == true) in the current list. Never fails: an empty input, a refused library or
    // a libddns error (reported) give a record whose matched and allowed are false.
    zeek::RecordValPtr Lookup(const zeek::String* input, bool host);

    // Whether a list entry (block or allow) covers the input: the same lookup, answered
    // with no record, for the scripts' hot path (most names are under no entry).
    bool Listed(const zeek::String* input, bool host);

    // Makes the compiled list file at path (or the embedded default list, for "") the
    // current list, after checking its whole index when verify is set. On failure the
    // previous list stays current, the reason is reported, and the result is false.
    bool LoadList(const std::string& path, bool verify);

    // libddns's version string, or "" when the library was refused.
    std::string LibraryVersion() const;

protected:
    zeek::plugin::Configuration Configure() override;
    void InitPostScript() override;
    void Done() override;

private:
    // A warning while Zeek initializes (any error then stops Zeek), an error afterwards.
    void Report(const std::string& message);
    // The matcher lookups use: the holder's current list, acquired again when it changed.
    const ddns_matcher* Current();
    // Looks input up in matcher (which may be null); the answer is NONE on any failure.
    ddns_match Find(const ddns_matcher* matcher, const zeek::String* input, bool host);
    // Fills a Match record from a lookup answer on input.
    zeek::RecordValPtr ToRecord(const ddns_matcher* matcher, const ddns_match& found,
                                const zeek::String* input);

    // Set when libddns has the ABI version this plugin was compiled for.
    bool usable_ = false;
    ddns_reloadable* holder_ = nullptr;
    ddns_matcher* snapshot_ = nullptr;
    uint64_t snapshot_generation_ = 0;
};

extern Plugin plugin;

} // namespace plugin::DDNS_Lookup
