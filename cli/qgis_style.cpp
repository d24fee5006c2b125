#include "qgis_style.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <cpl_vsi.h>

#include "tiledndvi/error.h"
#include "tiledndvi/staged_files.h"
#include "ylgn_ramp.h"

namespace tiledndvi::cli {

namespace {

// The shortest decimal text that reads back as the same double ("-0.75", not
// "-0.75000000000000000").
std::string number_text(double value) {
    char text[32];
    for (int digits = 1; digits <= 17; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, value);
        if (std::strtod(text, nullptr) == value) break;
    }
    return text;
}

// The renderer part is what QGIS 3.22 itself saves for this ramp (Layer
// Properties > Symbology > Save Style); the ColorBrewer source ramp makes the
// symbology dialog show "YlGn". Interpolated items without clip: values beyond
// the ends take the end colours. QGIS draws NoData transparent by default
// (nodataColor empty).
std::string style_text(double minimum, double maximum) {
    const std::string low = number_text(minimum), high = number_text(maximum);
    std::ostringstream xml;
    xml << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        << "<qgis version=\"3.22.0\" styleCategories=\"AllStyleCategories\">\n"
        << "  <pipe>\n"
        << "    <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"1\" alphaBand=\"-1\""
        << " nodataColor=\"\" classificationMin=\"" << low << "\" classificationMax=\"" << high << "\">\n"
        << "      <rasterTransparency/>\n"
        << "      <minMaxOrigin>\n"
        << "        <limits>None</limits>\n"
        << "        <extent>WholeRaster</extent>\n"
        << "        <statAccuracy>Estimated</statAccuracy>\n"
        << "        <cumulativeCutLower>0.02</cumulativeCutLower>\n"
        << "        <cumulativeCutUpper>0.98</cumulativeCutUpper>\n"
        << "        <stdDevFactor>2</stdDevFactor>\n"
        << "      </minMaxOrigin>\n"
        << "      <rastershader>\n"
        << "        <colorrampshader colorRampType=\"INTERPOLATED\" classificationMode=\"1\" clip=\"0\""
        << " minimumValue=\"" << low << "\" maximumValue=\"" << high << "\" labelPrecision=\"4\">\n"
        << "          <colorramp name=\"[source]\" type=\"colorbrewer\">\n"
        << "            <Option type=\"Map\">\n"
        << "              <Option name=\"colors\" type=\"QString\" value=\"9\"/>\n"
        << "              <Option name=\"inverted\" type=\"QString\" value=\"0\"/>\n"
        << "              <Option name=\"rampType\" type=\"QString\" value=\"colorbrewer\"/>\n"
        << "              <Option name=\"schemeName\" type=\"QString\" value=\"YlGn\"/>\n"
        << "            </Option>\n"
        << "            <prop k=\"colors\" v=\"9\"/>\n"
        << "            <prop k=\"inverted\" v=\"0\"/>\n"
        << "            <prop k=\"rampType\" v=\"colorbrewer\"/>\n"
        << "            <prop k=\"schemeName\" v=\"YlGn\"/>\n"
        << "          </colorramp>\n";
    const auto& stops = ylgn_stops();
    const int last = static_cast<int>(stops.size()) - 1;
    for (int i = 0; i <= last; ++i) {
        // The ends exactly as given; the stops between evenly spaced.
        const double value = i == 0 ? minimum : i == last ? maximum : minimum + (maximum - minimum) * i / last;
        const std::string text = number_text(value);
        xml << "          <item value=\"" << text << "\" color=\"" << hex(stops[i]) << "\" alpha=\"255\" label=\""
            << text << "\"/>\n";
    }
    xml << "        </colorrampshader>\n"
        << "      </rastershader>\n"
        << "    </rasterrenderer>\n"
        << "    <brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n"
        << "    <huesaturation saturation=\"0\" grayscaleMode=\"0\" invertColors=\"0\" colorizeOn=\"0\""
        << " colorizeRed=\"255\" colorizeGreen=\"128\" colorizeBlue=\"128\" colorizeStrength=\"100\"/>\n"
        << "    <rasterresampler maxOversampling=\"2\"/>\n"
        << "    <resamplingStage>resamplingFilter</resamplingStage>\n"
        << "  </pipe>\n"
        << "  <blendMode>0</blendMode>\n"
        << "</qgis>\n";
    return xml.str();
}

}  // namespace

void write_qgis_style(const std::string& path, double minimum, double maximum) {
    if (!(std::isfinite(minimum) && std::isfinite(maximum) && minimum < maximum))
        throw Error("a QGIS style needs a range with minimum < maximum, not " + number_text(minimum) + " .. " +
                    number_text(maximum));
    const std::string text = style_text(minimum, maximum);
    StagedFiles files(path, /*overwrite=*/true);
    const std::string staged = files.staged_path();
    VSILFILE* file = VSIFOpenL(staged.c_str(), "wb");
    if (file == nullptr) throw Error("cannot write the QGIS style " + path + ": " + VSIStrerror(errno));
    const bool written = VSIFWriteL(text.data(), 1, text.size(), file) == text.size();
    if (VSIFCloseL(file) != 0 || !written)
        throw Error("cannot write the QGIS style " + path + ": " + VSIStrerror(errno));
    files.commit(staged);
}

}  // namespace tiledndvi::cli
