// A Processing feedback that keeps every error the algorithm reports, for the
// tests to assert on (QgsProcessingFeedback only logs them).
#pragma once

#include <QStringList>

#include <qgsprocessingfeedback.h>

namespace tiledndvi::qgis_test {

class RecordingFeedback : public QgsProcessingFeedback {
public:
    void reportError(const QString& error, bool fatal_error = false) override {
        errors << error;
        QgsProcessingFeedback::reportError(error, fatal_error);
    }
    QStringList errors;
};

}  // namespace tiledndvi::qgis_test
