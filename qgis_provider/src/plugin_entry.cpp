// The library's only exported symbols: what the Python plugin (tiledndvi/
// __init__.py) calls through ctypes to add the provider to QGIS's Processing
// registry and to remove it again. Everything else is hidden
// (-fvisibility=hidden), so the core's symbols cannot clash with the host's.
#include <string>

#include <QPointer>

#include <qgis.h>
#include <qgsapplication.h>
#include <qgsconfig.h>
#include <qgsprocessingregistry.h>

#include "provider.h"

#define TILEDNDVI_QGIS_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

QPointer<tiledndvi::qgis::Provider> registered_provider;  // null once the registry deleted it
std::string last_error;

// QGIS keeps C++ ABI compatibility within a minor release only.
bool same_qgis_release() { return Qgis::versionInt() / 100 == VERSION_INT / 100; }

}  // namespace

// Adds the provider. Returns 1 when it is registered (now or already), 0 on
// failure with the reason in tiledndvi_qgis_last_error().
TILEDNDVI_QGIS_EXPORT int tiledndvi_qgis_register_provider() {
    last_error.clear();
    if (!same_qgis_release()) {
        last_error = "tiledndvi was built for QGIS " + std::string(_QGIS_VERSION) + " but this is QGIS " +
                     Qgis::version().toStdString() + ": rebuild it against this QGIS";
        return 0;
    }
    QgsProcessingRegistry* registry = QgsApplication::processingRegistry();
    if (registry == nullptr) {
        last_error = "QGIS has no Processing registry (QgsApplication is not initialised)";
        return 0;
    }
    if (registered_provider) return 1;
    auto* provider = new tiledndvi::qgis::Provider;
    const QString id = provider->id();
    if (registry->providerById(id) != nullptr) {
        delete provider;
        last_error = "another Processing provider already uses the id '" + id.toStdString() + "'";
        return 0;
    }
    if (!registry->addProvider(provider)) {  // deletes the provider on failure
        last_error = "QGIS refused the Processing provider '" + id.toStdString() + "'";
        return 0;
    }
    registered_provider = provider;
    return 1;
}

// Removes the provider again (the registry deletes it). Safe to call twice.
TILEDNDVI_QGIS_EXPORT void tiledndvi_qgis_unregister_provider() {
    if (registered_provider) {
        if (QgsProcessingRegistry* registry = QgsApplication::processingRegistry())
            registry->removeProvider(registered_provider.data());
    }
    registered_provider = nullptr;
}

TILEDNDVI_QGIS_EXPORT const char* tiledndvi_qgis_last_error() { return last_error.c_str(); }
