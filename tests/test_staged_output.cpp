// The output side: everything checkable is checked before work, and nothing is
// left behind or clobbered when a run does not complete.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "test_support.h"
#include "tiledndvi/error.h"
#include "tiledndvi/staged_files.h"
#include "tiledndvi/staged_output.h"

namespace {

using namespace tiledndvi;
using namespace tiledndvi::test;

std::string check_error(const OutputSpec& spec) {
    try {
        check_output(spec);
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

Grid small_grid() {
    Grid grid;
    grid.width = 8;
    grid.height = 4;
    grid.has_geotransform = true;
    grid.geotransform = {0, 1, 0, 4, 0, -1};
    return grid;
}

TEST(CheckOutput, NamesEachProblem) {
    ScratchDir dir;
    OutputSpec spec;
    spec.path = dir.file("out.tif");
    EXPECT_EQ(check_error(spec), "");

    OutputSpec unknown = spec;
    unknown.format = "NoSuchFormat";
    EXPECT_EQ(check_error(unknown), "unknown output format 'NoSuchFormat' (see gdalinfo --formats)");

    OutputSpec png = spec;
    png.format = "PNG";
    EXPECT_NE(check_error(png).find("cannot write Float32"), std::string::npos);

    OutputSpec read_only_driver = spec;
    read_only_driver.format = "AAIGrid";  // CreateCopy only: allowed
    EXPECT_EQ(check_error(read_only_driver), "");
    read_only_driver.format = "JP2OpenJPEG";
    read_only_driver.type = GDT_Float64;
    EXPECT_NE(check_error(read_only_driver), "");

    OutputSpec bad_option = spec;
    bad_option.creation_options = {"COMPRESS=NOPE"};
    EXPECT_NE(check_error(bad_option).find("invalid creation option for GTiff"), std::string::npos);
    bad_option.creation_options = {"COMPRESS"};
    EXPECT_NE(check_error(bad_option).find("NAME=VALUE"), std::string::npos);

    OutputSpec missing_dir = spec;
    missing_dir.path = dir.file("missing/out.tif");
    EXPECT_EQ(check_error(missing_dir), "output directory does not exist: " + dir.file("missing"));

    OutputSpec nodata = spec;
    nodata.nodata = 1e300;
    EXPECT_NE(check_error(nodata).find("does not fit in Float32"), std::string::npos);

    OutputSpec mem = spec;
    mem.format = "MEM";
    EXPECT_NE(check_error(mem).find("cannot hold computed pixels"), std::string::npos);
}

TEST(StagedOutput, UnwritableDirectory) {
    if (geteuid() == 0) {
        // root ignores permission bits; /proc refuses new files even to root.
        OutputSpec spec;
        spec.path = "/proc/ndvi.tif";
        try {
            StagedOutput output(spec, small_grid(), "NDVI");
            FAIL() << "created a file in /proc";
        } catch (const Error& error) {
            EXPECT_EQ(std::string(error.what()).rfind("cannot create /proc/ndvi.tif", 0), 0u) << error.what();
        }
        return;
    }
    ScratchDir dir;
    chmod(dir.path().c_str(), 0500);
    OutputSpec spec;
    spec.path = dir.file("out.tif");
    EXPECT_EQ(check_error(spec), "output directory is not writable: " + dir.path());
}

TEST(StagedOutput, NothingVisibleUntilCommit) {
    ScratchDir dir;
    OutputSpec spec;
    spec.path = dir.file("out.tif");
    {
        StagedOutput output(spec, small_grid(), "NDVI");
        EXPECT_EQ(access(spec.path.c_str(), F_OK), -1);
        EXPECT_EQ(dir.entries().size(), 2u);  // the hidden staging file and its lock file
        for (const std::string& name : dir.entries()) EXPECT_EQ(name.rfind(".out.tiledndvi-tmp-", 0), 0u) << name;
    }
    EXPECT_TRUE(dir.entries().empty());  // dropped without commit: removed

    {
        StagedOutput output(spec, small_grid(), "NDVI");
        output.commit();
    }
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.tif"});
}

TEST(StagedOutput, OverwriteRemovesStaleSidecars) {
    ScratchDir dir;
    OutputSpec spec;
    spec.path = dir.file("out.tif");
    {
        StagedOutput output(spec, small_grid(), "NDVI");
        output.commit();
    }
    FILE* f = std::fopen(dir.file("out.tif.aux.xml").c_str(), "w");
    std::fputs("<PAMDataset><Metadata><MDI key=\"STATISTICS_MEAN\">42</MDI></Metadata></PAMDataset>\n", f);
    std::fclose(f);
    spec.overwrite = true;
    {
        StagedOutput output(spec, small_grid(), "NDVI");
        output.commit();
    }
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.tif"});
}

TEST(StagedOutput, TargetAppearingDuringTheRunIsNotClobbered) {
    ScratchDir dir;
    OutputSpec spec;
    spec.path = dir.file("out.tif");
    StagedOutput output(spec, small_grid(), "NDVI");
    FILE* f = std::fopen(spec.path.c_str(), "w");  // another program got there first
    std::fputs("theirs", f);
    std::fclose(f);
    EXPECT_THROW(output.commit(), Error);
    EXPECT_EQ(file_bytes(spec.path), std::vector<unsigned char>({'t', 'h', 'e', 'i', 'r', 's'}));
}

TEST(StagedFiles, ReplacingAVrtKeepsItsSources) {
    // A VRT's file list names its sources: replacing the VRT must not delete them.
    ScratchDir dir;
    RasterSpec spec;
    spec.width = 4;
    spec.height = 2;
    spec.bands = {std::vector<double>(8, 1.0)};
    write_raster(dir.file("source.tif"), spec);
    GDALDatasetUniquePtr source(GDALDataset::Open(dir.file("source.tif").c_str()));
    GDALDatasetUniquePtr(GetGDALDriverManager()->GetDriverByName("VRT")->CreateCopy(
        dir.file("mosaic.vrt").c_str(), source.get(), FALSE, nullptr, nullptr, nullptr));
    {
        StagedFiles files(dir.file("mosaic.vrt"), true);
        const std::string staged = files.staged_path();
        GDALDatasetUniquePtr(GetGDALDriverManager()->GetDriverByName("VRT")->CreateCopy(
            staged.c_str(), source.get(), FALSE, nullptr, nullptr, nullptr));
        files.commit(staged);
    }
    std::vector<std::string> left = dir.entries();
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{"mosaic.vrt", "source.tif"}));
}

TEST(StagedFiles, DiscardRemovesEveryStagedFile) {
    ScratchDir dir;
    {
        StagedFiles files(dir.file("x.tif"), false);
        for (const char* suffix : {".tif", ".tif.aux.xml", ".staging.tif"})
            std::fclose(std::fopen(files.staged_path(suffix).c_str(), "w"));
        EXPECT_EQ(dir.entries().size(), 4u);  // and the lock file
    }
    EXPECT_TRUE(dir.entries().empty());
}

TEST(StagedOutput, MultiFileFormatsMoveAllTheirFiles) {
    ScratchDir dir;
    OutputSpec spec;
    spec.path = dir.file("out.bil");
    spec.format = "EHdr";
    {
        StagedOutput output(spec, small_grid(), "NDVI");
        output.commit();
    }
    for (const std::string& name : dir.entries()) EXPECT_EQ(name.rfind("out.", 0), 0u) << name;
    EXPECT_EQ(raster_info(spec.path).width, 8);
}

}  // namespace
