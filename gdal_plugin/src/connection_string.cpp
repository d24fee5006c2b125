#include "connection_string.h"

#include <cctype>
#include <cstring>
#include <vector>

#include <cpl_port.h>

#include "tiledndvi/error.h"

namespace tiledndvi::gdal_plugin {

namespace {

[[noreturn]] void fail(const std::string& text, const std::string& problem) {
    throw Error("invalid NDVI connection string '" + text + "': " + problem + "; expected " + connection_syntax);
}

struct Option {
    std::string key;
    std::string value;
    bool quoted = false;
};

// Index of the colon ending the options part: the first one outside quotes.
std::size_t options_end(const std::string& text, std::size_t begin) {
    bool in_quotes = false;
    for (std::size_t i = begin; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes && c == '\\' && i + 1 < text.size()) {
            ++i;  // an escaped character never ends the quotes
        } else if (c == '"') {
            in_quotes = !in_quotes;
        } else if (c == ':' && !in_quotes) {
            return i;
        }
    }
    if (in_quotes) fail(text, "unterminated quote");
    fail(text, "missing ':' between the options and the path");
}

// Items of the options part, split at commas outside quotes.
std::vector<std::string> split_items(const std::string& options) {
    std::vector<std::string> items;
    if (options.empty()) return items;
    std::string item;
    bool in_quotes = false;
    for (std::size_t i = 0; i < options.size(); ++i) {
        const char c = options[i];
        if (in_quotes && c == '\\' && i + 1 < options.size()) {
            item += c;
            item += options[++i];
            continue;
        }
        if (c == '"') in_quotes = !in_quotes;
        if (c == ',' && !in_quotes) {
            items.push_back(item);
            item.clear();
        } else {
            item += c;
        }
    }
    items.push_back(item);
    return items;
}

Option parse_item(const std::string& text, const std::string& item) {
    if (item.empty()) fail(text, "empty option (two commas, or a comma at an end)");
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos) fail(text, "option '" + item + "' has no value (write name=value)");
    Option option;
    for (char c : item.substr(0, equals)) option.key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (option.key.empty()) fail(text, "an option has no name before '='");
    const std::string raw = item.substr(equals + 1);
    if (!raw.empty() && raw.front() == '"') {
        option.quoted = true;
        bool closed = false;
        for (std::size_t i = 1; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '"' || raw[i + 1] == '\\')) {
                option.value += raw[++i];
            } else if (raw[i] == '"') {
                if (i + 1 != raw.size())
                    fail(text, "unexpected text after the closing quote of option '" + option.key + "'");
                closed = true;
            } else {
                option.value += raw[i];
            }
        }
        if (!closed) fail(text, "unterminated quote in option '" + option.key + "'");
    } else {
        if (raw.find('"') != std::string::npos)
            fail(text, "a quote may only start the value of option '" + option.key + "'");
        option.value = raw;
    }
    if (option.value.empty()) fail(text, "option '" + option.key + "' has an empty value");
    return option;
}

int parse_band(const std::string& text, const Option& option) {
    const std::string& value = option.value;
    bool digits = !value.empty() && !option.quoted;
    for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || value.size() > 9 || std::stoi(value) < 1)
        fail(text, option.key + " band must be a band number (1, 2, ...), not '" + value + "'");
    return std::stoi(value);
}

}  // namespace

bool has_connection_prefix(const char* text) { return text != nullptr && STARTS_WITH_CI(text, connection_prefix); }

ConnectionString parse_connection_string(const std::string& text) {
    if (!has_connection_prefix(text.c_str())) fail(text, std::string("it does not start with ") + connection_prefix);
    const std::size_t begin = std::strlen(connection_prefix);
    const std::size_t end = options_end(text, begin);
    std::vector<Option> options;
    for (const std::string& item : split_items(text.substr(begin, end - begin)))
        options.push_back(parse_item(text, item));

    ConnectionString parsed;
    bool has_red = false, has_nir = false, has_nir_file = false;
    std::string nir_file;
    for (const Option& option : options) {
        bool* seen = nullptr;
        if (option.key == "red") {
            seen = &has_red;
            parsed.red_band = parse_band(text, option);
        } else if (option.key == "nir") {
            seen = &has_nir;
            parsed.nir_band = parse_band(text, option);
        } else if (option.key == "nir_file") {
            seen = &has_nir_file;
            nir_file = option.value;
        } else {
            fail(text, "unknown option '" + option.key + "' (known: red, nir, nir_file)");
        }
        if (*seen) fail(text, "option '" + option.key + "' is given twice");
        *seen = true;
    }
    parsed.red_path = text.substr(end + 1);
    if (parsed.red_path.empty()) fail(text, "the path after the options is empty");
    if (has_nir_file) {
        // One file per band (Landsat 8/9, Sentinel-2): both default to band 1.
        if (!has_red) parsed.red_band = 1;
        if (!has_nir) parsed.nir_band = 1;
        parsed.nir_path = nir_file;
    } else {
        parsed.nir_path = parsed.red_path;
    }
    parsed.bands_given = has_red && has_nir;
    return parsed;
}

}  // namespace tiledndvi::gdal_plugin
