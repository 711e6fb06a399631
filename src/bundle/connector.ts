/** Opens troubleshoot bundles as hosts (docs/bundles.md "Bundles as hosts"): a `Connector` whose
 * sessions answer from a bundle. Each host reads only the members its planned commands map to. */
import type { ConnectionSpec } from '../model/inventory.js';
import { TransportError, type Connector, type DeviceSession } from '../model/transport.js';
import type { BundleMap } from './bundle-map.js';
import type { ArchiveLimits } from './archive.js';
import { openBundleSession, type BundleSession } from './session.js';

export interface BundleConnectorOptions {
  map: BundleMap;
  /** The bundle paths each host's planned commands map to (by host name). */
  wants: ReadonlyMap<string, ReadonlySet<string>>;
  limits?: Partial<ArchiveLimits>;
}

export class BundleConnector implements Connector {
  private readonly opened = new Map<string, Promise<BundleSession>>();
  private readonly all: Array<Promise<BundleSession>> = [];

  constructor(private readonly opts: BundleConnectorOptions) {}

  /** Opens the host's bundle once (a later `connect` gets the same session). */
  open(spec: ConnectionSpec): Promise<BundleSession> {
    let p = this.opened.get(spec.name);
    if (!p) {
      if (spec.bundlePath === undefined) return Promise.reject(new TransportError('internal', `host '${spec.name}' has no bundle_path`));
      p = openBundleSession(spec.bundlePath, { map: this.opts.map, want: this.opts.wants.get(spec.name) ?? new Set(), platform: spec.platform, limits: this.opts.limits });
      p.catch(() => undefined);
      this.opened.set(spec.name, p);
      this.all.push(p);
    }
    return p;
  }

  /** The host opened as `from` is now called `to` (a bundle host is named by its device). */
  rename(from: string, to: string): void {
    const p = this.opened.get(from);
    if (!p || from === to) return;
    this.opened.delete(from);
    this.opened.set(to, p);
  }

  async connect(spec: ConnectionSpec): Promise<DeviceSession> {
    return this.open(spec);
  }

  /** Removes every private temp folder (sessions the runner closed are already gone). */
  async dispose(): Promise<void> {
    await Promise.all(this.all.map((p) => p.then((s) => s.close()).catch(() => undefined)));
  }
}

/** A connector that sends bundle hosts to `bundles` and every other host to `live`. */
export function routeBundles(bundles: Connector, live: Connector): Connector {
  return { connect: (spec, signal, hooks) => (spec.bundlePath !== undefined ? bundles.connect(spec, signal, hooks) : live.connect(spec, signal, hooks)) };
}
