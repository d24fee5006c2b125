#!/usr/bin/python3
"""Speed of tiledndvi as ratios measured in one run (timings on shared machines are noisy).

Builds the reference workload (bands 3 and 4 of the sample as Int16, upsampled 20x to 6980x7040,
see data/README.md) and times, round-robin so noise hits every contender alike:

  cp              copying the input file: the I/O floor
  gdal_translate  a plain GDAL copy of the same pixels: the bar to beat
  tiledndvi       tiledndvi ndvi (automatic tiles, all cores)
  tiledndvi 4x4   tiledndvi ndvi --tiles 4x4 (the tutorial's layout)
  gdal_calc.py    GDAL's own raster calculator computing the same NDVI

Prints medians, ratios to the gdal_translate copy, and tiledndvi's peak memory.

Then the whole tiles workflow (tile 4x4 -> NDVI per tile on all cores -> merge into one GeoTIFF),
tiledndvi's subcommands against the Python pipeline they replace (bench/python_pipeline.py:
rioxarray tiles, a multiprocessing Pool, xarray.combine_by_coords), with the ratio and a check
that both give the same NDVI pixels.
Usage: bench/bench.py [--repeat K] [--factor F] [--workdir DIR] [--build DIR] [--skip-pipeline]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, env=None):
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def timed(cmd, env=None):
    """Wall time of one command."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    return elapsed


def peak_rss_kib(cmd):
    """Peak resident memory of one run, measured by /usr/bin/time -v."""
    out = subprocess.run(["/usr/bin/time", "-v"] + cmd, check=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr
    for line in out.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    raise RuntimeError("no peak memory in /usr/bin/time output")


def make_workload(workdir, factor):
    path = os.path.join(workdir, "nr_fine.tif")
    if not os.path.exists(path):
        pct = f"{factor * 100}%"
        run(["gdal_translate", "-q", "-b", "3", "-b", "4", "-ot", "Int16", "-outsize", pct, pct,
             "-r", "nearest", os.path.join(TOP, "data", "L7_ETMs.tif"), path])
    with open(path, "rb") as f:  # into the page cache: every contender starts warm
        while f.read(1 << 24):
            pass
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--factor", type=int, default=20)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--build", default=os.path.join(TOP, "build"))
    parser.add_argument("--skip-gdal-calc", action="store_true")
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()

    tiledndvi = os.path.join(args.build, "cli", "tiledndvi")
    if not os.access(tiledndvi, os.X_OK):
        sys.exit(f"bench: {tiledndvi} not found: build first (scripts/build.sh)")
    workdir = args.workdir or tempfile.mkdtemp(prefix="tiledndvi-bench-")
    os.makedirs(workdir, exist_ok=True)
    src = make_workload(workdir, args.factor)
    out = os.path.join(workdir, "out.tif")

    contenders = {
        "cp": ["cp", src, out],
        "gdal_translate": ["gdal_translate", "-q", src, out],
        "tiledndvi": [tiledndvi, "ndvi", src, out, "--red", "1", "--nir", "2", "-q"],
        "tiledndvi 4x4": [tiledndvi, "ndvi", src, out, "--red", "1", "--nir", "2", "-q", "--tiles", "4x4"],
    }
    if not args.skip_gdal_calc:
        contenders["gdal_calc.py"] = [
            "/usr/bin/python3", shutil.which("gdal_calc.py") or "/usr/bin/gdal_calc.py", "--quiet",
            "-A", src, "--A_band", "1", "-B", src, "--B_band", "2", "--type", "Float32",
            "--calc", "(B.astype(numpy.float64) - A) / (B.astype(numpy.float64) + A)",
            "--NoDataValue", "nan", "--outfile", out]

    times = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, cmd in contenders.items():
            if os.path.exists(out):
                os.remove(out)
            times[name].append(timed(cmd))
    if os.path.exists(out):
        os.remove(out)
    rss = peak_rss_kib(contenders["tiledndvi"])
    os.remove(out)
    rss_4x4 = peak_rss_kib(contenders["tiledndvi 4x4"])
    os.remove(out)

    base = statistics.median(times["gdal_translate"])
    size = os.path.getsize(src) / 2**20
    print(f"workload: {src} ({size:.0f} MiB, factor {args.factor}), {args.repeat} runs each, "
          f"{os.cpu_count()} cores")
    print(f"{'':16} {'median s':>9} {'min s':>7} {'x gdal_translate':>17}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:16} {med:9.3f} {min(values):7.3f} {med / base:17.3f}")
    print(f"tiledndvi peak memory: {rss / 1024:.0f} MiB (automatic tiles), {rss_4x4 / 1024:.0f} MiB (4x4)")
    if not args.skip_pipeline:
        bench_pipelines(tiledndvi, src, workdir, args.repeat)


def tiledndvi_pipeline(tiledndvi, src, workdir):
    """tile -> ndvi per tile -> merge with tiledndvi; seconds per step."""
    tiles, ndvi_tiles = os.path.join(workdir, "tiles"), os.path.join(workdir, "ndvi_tiles")
    steps = {
        "tile": [tiledndvi, "tile", src, tiles, "--tiles", "4x4", "-q"],
        "ndvi": [tiledndvi, "ndvi", tiles, ndvi_tiles, "--red", "1", "--nir", "2", "-q"],
        "merge": None,  # the tile list is known only after the ndvi step
    }
    seconds = {}
    for step, cmd in steps.items():
        if cmd is None:
            cmd = [tiledndvi, "merge", os.path.join(workdir, "ndvi.tif"), "-q"] + sorted(
                os.path.join(ndvi_tiles, f) for f in os.listdir(ndvi_tiles))
        seconds[step] = timed(cmd)
    return seconds


def python_pipeline(src, workdir):
    out = subprocess.run(["/usr/bin/python3", os.path.join(TOP, "bench", "python_pipeline.py"), src, workdir,
                          "--tiles", "4x4", "--processes", str(os.cpu_count())],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines()}


def differing_pixels(ours, theirs):
    """Pixels whose NDVI differs (NaN equal to NaN; the Python pipeline's +-inf of x/0 counts as NoData)."""
    import numpy
    from osgeo import gdal
    a = gdal.Open(ours).ReadAsArray()
    b = gdal.Open(theirs).ReadAsArray()
    b[numpy.isinf(b)] = numpy.nan
    return int(numpy.count_nonzero(~((a == b) | (numpy.isnan(a) & numpy.isnan(b)))))


def bench_pipelines(tiledndvi, src, workdir, repeat):
    ours, theirs = [], []
    for _ in range(repeat):
        for folder in ("tiles", "ndvi_tiles", "py_tiles"):
            shutil.rmtree(os.path.join(workdir, folder), ignore_errors=True)
        for name in ("ndvi.tif", "py_ndvi.tif"):
            if os.path.exists(os.path.join(workdir, name)):
                os.remove(os.path.join(workdir, name))
        ours.append(tiledndvi_pipeline(tiledndvi, src, workdir))
        theirs.append(python_pipeline(src, workdir))
    differ = differing_pixels(os.path.join(workdir, "ndvi.tif"), os.path.join(workdir, "py_ndvi.tif"))

    print(f"\ntiles workflow (tile 4x4 -> NDVI per tile, {os.cpu_count()} cores -> merge), median s of {repeat}:")
    print(f"{'':10} {'tiledndvi':>10} {'python':>10} {'python/tiledndvi':>17}")
    for step in ("tile", "ndvi", "merge", "total"):
        pick = (lambda run: sum(run.values())) if step == "total" else (lambda run: run[step])
        a = statistics.median(pick(run) for run in ours)
        b = statistics.median(pick(run) for run in theirs)
        print(f"{step:10} {a:10.3f} {b:10.3f} {b / a:16.1f}x")
    print(f"NDVI pixels that differ between the two pipelines: {differ}")


if __name__ == "__main__":
    main()
