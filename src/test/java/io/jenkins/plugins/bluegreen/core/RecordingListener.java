package io.jenkins.plugins.bluegreen.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Keeps what an operation reported, and lets a test act at a chosen moment (e.g. race a write). */
final class RecordingListener implements ReleaseListener {
    final List<String> infos = new CopyOnWriteArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<HealthProgress> progress = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> onInfo = message -> {};
    private volatile Consumer<String> onWarn = message -> {};

    @Override
    public void info(String message) {
        infos.add(message);
        onInfo.accept(message);
    }

    @Override
    public void progress(HealthProgress p) {
        progress.add(p);
    }

    @Override
    public void warn(String message) {
        warnings.add(message);
        onWarn.accept(message);
    }

    void onInfo(Consumer<String> hook) {
        this.onInfo = hook;
    }

    void onWarn(Consumer<String> hook) {
        this.onWarn = hook;
    }
}
