import { defineConfig } from 'vitest/config';

// Two projects. `unit`: pure logic on data made by hand or by construction (no browser, no ffmpeg run,
// no model files, no build): seconds, and the first thing to run. `e2e`: everything that drives the
// real Chromium, ffmpeg and libvmaf through the built CLI.
const UNIT = [
  'test/allocationModel.test.ts',
  'test/allocationTable.test.ts',
  'test/analyzeDefaultPlan.test.ts',
  'test/crossLayer.test.ts',
  'test/csvReader.test.ts',
  'test/deployCi.test.ts',
  'test/deployDockerfile.test.ts',
  'test/deployKubernetes.test.ts',
  'test/deployStudyFiles.test.ts',
  'test/exportNames.test.ts',
  'test/fullerBench.test.ts',
  'test/firefoxDerived.test.ts',
  'test/firefoxSdp.test.ts',
  'test/geckoStreams.test.ts',
  'test/modelVsBrowser.test.ts',
  'test/operatingPoints.test.ts',
  'test/quickModeDoubt.test.ts',
  'test/recommend.test.ts',
  'test/recommendExports.test.ts',
  'test/scenarioScaling.test.ts',
  'test/retryReason.test.ts',
  'test/rundirContract.test.ts',
  'test/steadyStart.test.ts',
  'test/study.test.ts',
  'test/studyMerge.test.ts',
  'test/temporalLayers.test.ts',
  'test/temporalSelection.test.ts',
  'test/timeLeft.test.ts',
  'test/measureRate.test.ts',
  'test/locateBrowser.test.ts',
  'test/upstreamAllocation.test.ts',
  'test/upstreamSvc.test.ts',
  'test/svcCut.test.ts',
  'test/scenarioSvc.test.ts',
  'test/svcVersusSimulcast.test.ts',
  'test/svcFinish.test.ts',
  'test/validity.test.ts',
  'test/verifyPairing.test.ts',
  'test/metricJobPlan.test.ts',
  'test/jobQueue.test.ts',
  'test/frameFeed.test.ts',
  'test/optionsReference.test.ts',
  'test/viewerTimeline.test.ts',
  'test/layerTimeline.test.ts',
  'test/clipSource.test.ts',
  'test/printable.test.ts',
  'test/staticPairing.test.ts',
  'test/fullDisk.test.ts',
  'test/measureSummaryClips.test.ts',
  'test/answerBlock.test.ts',
  'test/viewerSpec.test.ts',
  'test/linkSpec.test.ts',
  'test/linkCommands.test.ts',
  'test/layerSwitches.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: UNIT },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          // Captures drive a real Chromium encoder on a 2-core machine: running test files side by side
          // would starve the encoder and make the browser report CPU-limited layers. One file at a time.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          globalSetup: ['test/globalSetup.ts'],
        },
      },
    ],
  },
});
