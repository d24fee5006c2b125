#!/usr/bin/python3
"""The Python tiles workflow tiledndvi replaces, as the tutorial in ../shared/reference writes it:
rioxarray cuts the scene into tiles, a multiprocessing Pool computes NDVI per tile, and
xarray.combine_by_coords merges the NDVI tiles, written here as one GeoTIFF.

Differences from the tutorial, each to make the comparison fair, not slower:
- remainders go to the last row/column of tiles (the tutorial's int division drops them),
  so both pipelines cover every pixel;
- NDVI is written as Float32 (the tutorial writes Float64), the bytes tiledndvi writes;
- the pool has as many workers as cores (the tutorial uses one per tile).

Usage: python_pipeline.py INPUT WORKDIR --tiles CxR --processes N
Prints one line per step: "<step> <seconds>".
"""
import argparse
import glob
import multiprocessing as mp
import os
import time

import rioxarray
import xarray


def bounds(size, count):
    """Tile edges with the remainder in the last tile (as tiledndvi's tiler)."""
    step = size // count
    return [(i * step, size if i == count - 1 else (i + 1) * step) for i in range(count)]


def make_tiles(path, folder, columns, rows):
    scene = rioxarray.open_rasterio(path)
    for i, (y0, y1) in enumerate(bounds(scene.shape[1], rows)):
        for j, (x0, x1) in enumerate(bounds(scene.shape[2], columns)):
            scene[:, y0:y1, x0:x1].rio.to_raster(os.path.join(folder, f"tile_{i}_{j}.tif"))


def normalized_diff_r(fname):
    nr = rioxarray.open_rasterio(fname)
    ndvi = ((nr[1] - nr[0]) / (nr[1] + nr[0])).astype("float32")
    folder, name = os.path.split(fname)
    ndvi.rio.to_raster(os.path.join(folder, "NDVI_" + name))


def merge(folder, output):
    elements = [rioxarray.open_rasterio(f) for f in sorted(glob.glob(os.path.join(folder, "NDVI_tile_*.tif")))]
    merged = xarray.combine_by_coords(elements).squeeze()
    merged.rio.to_raster(output)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("workdir")
    parser.add_argument("--tiles", default="4x4")
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.tiles.split("x"))
    tiles = os.path.join(args.workdir, "py_tiles")
    os.makedirs(tiles, exist_ok=True)

    start = time.perf_counter()
    make_tiles(args.input, tiles, columns, rows)
    tiled = time.perf_counter()
    with mp.Pool(args.processes) as pool:
        pool.map(normalized_diff_r, sorted(glob.glob(os.path.join(tiles, "tile_*.tif"))))
    computed = time.perf_counter()
    merge(tiles, os.path.join(args.workdir, "py_ndvi.tif"))
    merged = time.perf_counter()
    print(f"tile {tiled - start:.3f}")
    print(f"ndvi {computed - tiled:.3f}")
    print(f"merge {merged - computed:.3f}")


if __name__ == "__main__":
    main()
