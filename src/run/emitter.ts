/** Fans runner events out to reporters. A reporter that throws is reported and the run goes on. */
import { hostsOf, type HostResults, type Reporter, type RunEvent } from '../model/events.js';
import type { RunReport } from '../model/result.js';

export interface NamedReporter {
  name: string;
  reporter: Reporter;
}

export class EventBus {
  constructor(
    private readonly reporters: NamedReporter[],
    /** Told about every reporter failure (the CLI prints it), besides the other reporters. */
    private readonly onReporterError?: (error: Error, reporterName: string) => void,
  ) {}

  private async each(call: (r: Reporter) => void | Promise<void> | undefined): Promise<void> {
    for (const { name, reporter } of this.reporters) {
      try {
        await call(reporter);
      } catch (err) {
        this.onReporterError?.(err as Error, name);
        for (const other of this.reporters) {
          if (other.reporter !== reporter) {
            try {
              other.reporter.onError?.(err as Error, name);
            } catch {
              /* a reporter's error hook must not break the run either */
            }
          }
        }
      }
    }
  }

  async emit(event: RunEvent): Promise<void> {
    switch (event.type) {
      case 'run-begin':
        return this.each((r) => r.onBegin?.(event));
      case 'host-begin':
        return this.each((r) => r.onHostBegin?.(event));
      case 'check-begin':
        return this.each((r) => r.onCheckBegin?.(event));
      case 'check-end':
        return this.each((r) => r.onCheckEnd?.(event));
      case 'remediation-end':
        return this.each((r) => r.onRemediationEnd?.(event));
      case 'host-end':
        return this.each((r) => r.onHostEnd?.(event));
      default:
        // run-end reaches the reporters through `end`, with the full host results.
        return undefined;
    }
  }

  /** The run's end: every reporter's `onEnd`, with the report and the full host results (by
   * default the report's own hosts). */
  async end(report: RunReport, results: HostResults = hostsOf(report)): Promise<void> {
    await this.each((r) => r.onEnd?.(report, results));
  }
}
