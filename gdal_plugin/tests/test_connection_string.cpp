// The NDVI: connection string parser on its own: what each form means, and
// that every malformed string is refused with a message showing the syntax.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connection_string.h"
#include "tiledndvi/error.h"

namespace tiledndvi::gdal_plugin {
namespace {

struct Parsed {
    std::string text;
    std::string red_path;
    int red_band;
    std::string nir_path;
    int nir_band;
};

TEST(ConnectionString, ParsesEveryForm) {
    const std::vector<Parsed> rows = {
        {"NDVI:red=3,nir=4:scene.tif", "scene.tif", 3, "scene.tif", 4},
        {"ndvi:RED=1,NIR=2:scene.tif", "scene.tif", 1, "scene.tif", 2},
        {"NDVI::scene.tif", "scene.tif", 3, "scene.tif", 4},  // the CLI's Landsat 4-7 defaults
        {"NDVI:nir=5:scene.tif", "scene.tif", 3, "scene.tif", 5},
        // Everything after the options' colon is the path, verbatim.
        {"NDVI:red=3,nir=4:/vsizip//data/a,b.zip/x:y.tif", "/vsizip//data/a,b.zip/x:y.tif", 3,
         "/vsizip//data/a,b.zip/x:y.tif", 4},
        {"NDVI:red=3,nir=4:C:\\scenes\\a,b.tif", "C:\\scenes\\a,b.tif", 3, "C:\\scenes\\a,b.tif", 4},
        {"NDVI:red=3,nir=4:NDVI:x", "NDVI:x", 3, "NDVI:x", 4},
        // Two files: bands default to 1 and 1.
        {"NDVI:nir_file=B5.TIF:B4.TIF", "B4.TIF", 1, "B5.TIF", 1},
        {"NDVI:red=2,nir=3,nir_file=nir.tif:red.tif", "red.tif", 2, "nir.tif", 3},
        {"NDVI:nir_file=\"C:\\x,y\\B5.TIF\":C:\\x,y\\B4.TIF", "C:\\x,y\\B4.TIF", 1, "C:\\x,y\\B5.TIF", 1},
        {"NDVI:nir_file=\"/vsizip/a.zip/q\\\"uote\\\\d:B5.TIF\",red=1:B4.TIF", "B4.TIF", 1,
         "/vsizip/a.zip/q\"uote\\d:B5.TIF", 1},
    };
    for (const Parsed& row : rows) {
        SCOPED_TRACE(row.text);
        const ConnectionString parsed = parse_connection_string(row.text);
        EXPECT_EQ(parsed.red_path, row.red_path);
        EXPECT_EQ(parsed.red_band, row.red_band);
        EXPECT_EQ(parsed.nir_path, row.nir_path);
        EXPECT_EQ(parsed.nir_band, row.nir_band);
    }
}

TEST(ConnectionString, RefusesMalformedStringsShowingTheSyntax) {
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"NDVI:", "missing ':' between the options and the path"},
        {"NDVI:red=3,nir=4", "missing ':' between the options and the path"},
        {"NDVI:red=3,nir=4:", "the path after the options is empty"},
        {"NDVI:red=x,nir=4:a.tif", "red band must be a band number (1, 2, ...), not 'x'"},
        {"NDVI:red=0,nir=4:a.tif", "red band must be a band number"},
        {"NDVI:red=-1,nir=4:a.tif", "red band must be a band number"},
        {"NDVI:red=3,nir=99999999999:a.tif", "nir band must be a band number"},
        {"NDVI:blue=1:a.tif", "unknown option 'blue' (known: red, nir, nir_file)"},
        {"NDVI:red=3,red=3:a.tif", "option 'red' is given twice"},
        {"NDVI:red=3,,nir=4:a.tif", "empty option"},
        {"NDVI:red=3,:a.tif", "empty option"},
        {"NDVI:red:a.tif", "option 'red' has no value"},
        {"NDVI:=3:a.tif", "an option has no name"},
        {"NDVI:red=:a.tif", "option 'red' has an empty value"},
        {"NDVI:nir_file=\"b.tif:a.tif", "unterminated quote"},
        {"NDVI:nir_file=\"b\"c:a.tif", "unexpected text after the closing quote"},
        {"NDVI:nir_file=b\"c\":a.tif", "a quote may only start the value"},
        {"NDVI:nir_file=\"\":a.tif", "option 'nir_file' has an empty value"},
        {"NDVI:red=\"3\":a.tif", "red band must be a band number"},
        {"scene.tif", "it does not start with NDVI:"},
    };
    for (const auto& [text, problem] : rows) {
        SCOPED_TRACE(text);
        try {
            parse_connection_string(text);
            ADD_FAILURE() << "accepted";
        } catch (const Error& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find(problem), std::string::npos) << message;
            EXPECT_NE(message.find("expected NDVI:red=<band>,nir=<band>[,nir_file=\"<path>\"]:<path>"),
                      std::string::npos)
                << message;
        }
    }
}

TEST(ConnectionString, PrefixTestIsCaseInsensitiveAndExact) {
    EXPECT_TRUE(has_connection_prefix("NDVI:red=3,nir=4:a.tif"));
    EXPECT_TRUE(has_connection_prefix("ndvi:"));
    EXPECT_FALSE(has_connection_prefix("NDVI"));
    EXPECT_FALSE(has_connection_prefix("/data/NDVI:a.tif"));
    EXPECT_FALSE(has_connection_prefix("ndvi.tif"));
    EXPECT_FALSE(has_connection_prefix(nullptr));
}

}  // namespace
}  // namespace tiledndvi::gdal_plugin
