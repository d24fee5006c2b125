#!/usr/bin/python3
"""NDVI of every GeoTIFF in a folder with GDAL's Python bindings and the plugin.

    /usr/bin/python3 examples/ndvi_folder.py INPUT_DIR OUTPUT_DIR [--red 3] [--nir 4]
                                             [--method driver|vrt] [--creation-option NAME=VALUE]...

--method driver (default) translates each NDVI:red=R,nir=N:<scene> connection
string; --method vrt builds an in-memory VRT using the `ndvi` pixel function
(the same numbers, computed by GDAL's VRT machinery). Each INPUT_DIR/NAME.tif
gives OUTPUT_DIR/NAME_ndvi.tif (Float32, NoData NaN, georeferencing kept).
Needs gdal_TiledNDVI.so in GDAL's plugin directory or in GDAL_DRIVER_PATH.
"""
import argparse
import glob
import os
import sys
from xml.sax.saxutils import escape

from osgeo import gdal

gdal.UseExceptions()


def ndvi_vrt(scene, red, nir):
    """VRT text computing NDVI of `scene` with the `ndvi` pixel function."""
    dataset = gdal.Open(scene)
    red_band, nir_band = dataset.GetRasterBand(red), dataset.GetRasterBand(nir)
    # Both sources are handed over in one type: their own when they agree, else
    # Float64, which holds every supported type exactly.
    red_type, nir_type = red_band.DataType, nir_band.DataType
    transfer = gdal.GetDataTypeName(red_type if red_type == nir_type else gdal.GDT_Float64)
    arguments = ""
    for name, band in (("red_nodata", red_band), ("nir_nodata", nir_band)):
        nodata = band.GetNoDataValue()
        if nodata is not None:
            arguments += f' {name}="{nodata!r}"'
    srs = dataset.GetProjection()
    geotransform = ", ".join(repr(v) for v in dataset.GetGeoTransform())
    sources = "".join(
        f"<SimpleSource><SourceFilename>{escape(os.path.abspath(scene))}</SourceFilename>"
        f"<SourceBand>{band}</SourceBand></SimpleSource>"
        for band in (red, nir))
    return (f'<VRTDataset rasterXSize="{dataset.RasterXSize}" rasterYSize="{dataset.RasterYSize}">'
            f"<SRS>{escape(srs)}</SRS><GeoTransform>{geotransform}</GeoTransform>"
            '<VRTRasterBand dataType="Float32" band="1" subClass="VRTDerivedRasterBand">'
            "<Description>NDVI</Description><NoDataValue>nan</NoDataValue>"
            "<PixelFunctionType>ndvi</PixelFunctionType>"
            f"<PixelFunctionArguments{arguments}/>"
            f"<SourceTransferType>{transfer}</SourceTransferType>{sources}"
            "</VRTRasterBand></VRTDataset>")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input_dir")
    parser.add_argument("output_dir")
    parser.add_argument("--red", type=int, default=3, help="red band (default 3, Landsat 4-7)")
    parser.add_argument("--nir", type=int, default=4, help="NIR band (default 4)")
    parser.add_argument("--method", choices=("driver", "vrt"), default="driver")
    parser.add_argument("--creation-option", "-co", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()

    if gdal.GetDriverByName("TiledNDVI") is None:
        sys.exit(f"{sys.argv[0]}: GDAL does not know the TiledNDVI driver: install gdal_TiledNDVI.so into "
                 "GDAL's plugin directory or point GDAL_DRIVER_PATH at its folder")
    scenes = sorted(p for p in glob.glob(os.path.join(args.input_dir, "*"))
                    if p.lower().endswith((".tif", ".tiff")))
    if not scenes:
        sys.exit(f"{sys.argv[0]}: no .tif files in {args.input_dir}")
    os.makedirs(args.output_dir, exist_ok=True)

    for scene in scenes:
        name = os.path.splitext(os.path.basename(scene))[0]
        output = os.path.join(args.output_dir, name + "_ndvi.tif")
        if args.method == "driver":
            # Everything after the second colon is the path, verbatim.
            source = f"NDVI:red={args.red},nir={args.nir}:{scene}"
        else:
            source = ndvi_vrt(scene, args.red, args.nir)
        result = gdal.Translate(output, source, creationOptions=args.creation_option)
        result = None  # closes (and flushes) the file
        print(output)


if __name__ == "__main__":
    main()
