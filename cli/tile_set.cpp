#include "tile_set.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <cpl_conv.h>
#include <cpl_json.h>

#include "tiledndvi/error.h"
#include "tiledndvi/tile_layout.h"

namespace tiledndvi::cli {

namespace {

constexpr int format_version = 1;

CPLJSONObject to_json(const TileSetDescription& d) {
    CPLJSONObject root;
    root.Add("tiledndvi_tile_set", format_version);
    root.Add("input", d.input_name);
    root.Add("input_identity", d.input_identity);
    root.Add("nir_input", d.nir_input_name);
    root.Add("nir_input_identity", d.nir_input_identity);
    root.Add("red_band", d.red_band);
    root.Add("nir_band", d.nir_band);
    root.Add("width", static_cast<GInt64>(d.grid.width));
    root.Add("height", static_cast<GInt64>(d.grid.height));
    CPLJSONArray geotransform;
    for (const double value : d.grid.geotransform) geotransform.Add(CPLSPrintf("%.17g", value));
    root.Add("geotransform", geotransform);
    root.Add("crs", d.grid.crs_wkt);
    root.Add("columns", d.columns);
    root.Add("rows", d.rows);
    root.Add("tile_width", static_cast<GInt64>(d.tile_width));
    root.Add("tile_height", static_cast<GInt64>(d.tile_height));
    root.Add("format", d.format);
    root.Add("extension", d.extension);
    root.Add("type", d.type);
    root.Add("nodata", d.nodata);
    CPLJSONArray options;
    for (const std::string& option : d.creation_options) options.Add(option);
    root.Add("creation_options", options);
    return root;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
    return std::string(std::istreambuf_iterator<char>(in), {});
}

CPLJSONObject load(const std::string& path) {
    CPLJSONDocument document;
    if (!document.LoadMemory(read_text(path)) || !document.GetRoot().IsValid() ||
        document.GetRoot().GetInteger("tiledndvi_tile_set", 0) != format_version)
        throw Error(path + " is not a tiledndvi tile-set description (version " + std::to_string(format_version) + ")");
    return document.GetRoot();
}

std::string as_text(const CPLJSONObject& value) {
    return value.IsValid() ? value.Format(CPLJSONObject::PrettyFormat::Plain) : "(none)";
}

// Throws unless the set described at `path` is `wanted`.
void check_same(const std::string& path, const CPLJSONObject& wanted) {
    const CPLJSONObject existing = load(path);
    for (const CPLJSONObject& field : wanted.GetChildren()) {
        const std::string here = as_text(field), there = as_text(existing.GetObj(field.GetName()));
        if (here != there)
            throw Error(CPLGetPath(path.c_str()) + std::string(" holds another tile set: its ") +
                        tile_set_description_name + " has " + field.GetName() + " " + there + ", this run " +
                        here + " (use another folder, or remove that set)");
    }
}

}  // namespace

std::string tile_file_name(int row, int column, const std::string& extension) {
    return "NDVI_tile_" + std::to_string(row) + "_" + std::to_string(column) + extension;
}

void publish_tile_set(const std::string& folder, const TileSetDescription& description) {
    const std::string path = CPLFormFilename(folder.c_str(), tile_set_description_name, nullptr);
    const CPLJSONObject wanted = to_json(description);
    if (access(path.c_str(), F_OK) == 0) return check_same(path, wanted);

    // Written whole under a private name, then linked: link() fails if another
    // task got there first, where rename() would replace its file. mkstemp:
    // tasks on other nodes of a shared file system may have our process id.
    std::string temporary = CPLFormFilename(folder.c_str(), ".tiledndvi_tiles.json.XXXXXX", nullptr);
    const int fd = mkstemp(temporary.data());
    if (fd < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
    fchmod(fd, 0644);  // mkstemp's 0600 would hide the set from the group
    const std::string text = wanted.Format(CPLJSONObject::PrettyFormat::Pretty) + "\n";
    const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int write_errno = errno;
    if (close(fd) != 0 || !written) {
        const std::string reason = std::strerror(written ? errno : write_errno);
        std::remove(temporary.c_str());
        throw Error("cannot write " + path + ": " + reason);
    }
    const int linked = link(temporary.c_str(), path.c_str());
    const int link_errno = errno;
    std::remove(temporary.c_str());
    if (linked == 0) return;
    if (link_errno == EEXIST) return check_same(path, wanted);
    throw Error("cannot write " + path + ": " + std::strerror(link_errno));
}

std::optional<std::vector<std::string>> tile_set_members(const std::string& folder) {
    const std::string path = CPLFormFilename(folder.c_str(), tile_set_description_name, nullptr);
    if (access(path.c_str(), F_OK) != 0) return std::nullopt;
    const CPLJSONObject set = load(path);
    const int columns = set.GetInteger("columns"), rows = set.GetInteger("rows");
    const std::string extension = set.GetString("extension");
    if (columns < 1 || rows < 1 || static_cast<std::int64_t>(columns) * rows > max_requested_tiles)
        throw Error(path + " describes an impossible layout of " + std::to_string(columns) + "x" +
                    std::to_string(rows) + " tiles");
    std::vector<std::string> members;
    for (int row = 0; row < rows; ++row)
        for (int column = 0; column < columns; ++column)
            members.push_back(CPLFormFilename(folder.c_str(), tile_file_name(row, column, extension).c_str(), nullptr));
    return members;
}

}  // namespace tiledndvi::cli
