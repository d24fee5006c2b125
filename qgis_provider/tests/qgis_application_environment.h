// The QGIS application of an in-process provider test: one QgsApplication per
// process, built only when tests run (not when CTest lists them), in a
// throwaway QGIS world, with the tiledndvi provider registered.
#pragma once

#include <gtest/gtest.h>

#include <qgsapplication.h>

#include <cstdlib>
#include <memory>

#include "qgis_test_environment.h"

extern "C" int tiledndvi_qgis_register_provider();
extern "C" void tiledndvi_qgis_unregister_provider();
extern "C" const char* tiledndvi_qgis_last_error();

namespace tiledndvi::qgis_test {

class QgisApplicationEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        world_ = std::make_unique<IsolatedQgis>();  // sets HOME, QT_QPA_PLATFORM=offscreen... first
        setenv("QGIS_PREFIX_PATH", TILEDNDVI_QGIS_PREFIX, 1);
        application_ = std::make_unique<QgsApplication>(argc_, argv_, true);
        QgsApplication::initQgis();
        ASSERT_EQ(tiledndvi_qgis_register_provider(), 1) << tiledndvi_qgis_last_error();
    }
    void TearDown() override {
        tiledndvi_qgis_unregister_provider();
        QgsApplication::exitQgis();
        application_.reset();
        world_.reset();
    }

private:
    std::unique_ptr<IsolatedQgis> world_;
    std::unique_ptr<QgsApplication> application_;
    int argc_ = 1;  // QApplication keeps references to both
    char arg0_[16] = "provider_tests";
    char* argv_[2] = {arg0_, nullptr};
};

}  // namespace tiledndvi::qgis_test
