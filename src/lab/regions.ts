/** The lab's simulated SSE cloud, one endpoint set per region (docs/securex.md "Regions"). A
 * device registered to a region reaches only that region's hosts: its upstream firewall allows
 * the FQDNs of its own region, as the procedure tells operators to configure it. */

/** SSE cloud regions the lab serves (the playbook's `sse_region` choices). */
export type SseRegion = 'us' | 'eu' | 'apj';
export const SSE_REGIONS: readonly SseRegion[] = ['us', 'eu', 'apj'];

/** The region's API, eventing and message-exchange hosts. */
export const REGION_HOSTS: Record<SseRegion, { api: string; eventing: string; mx: string }> = {
  us: { api: 'api-sse.cisco.com', eventing: 'eventing-ingest.sse.itd.cisco.com', mx: 'mx01.sse.itd.cisco.com' },
  eu: { api: 'api.eu.sse.itd.cisco.com', eventing: 'eventing-ingest.eu.sse.itd.cisco.com', mx: 'mx01.eu.sse.itd.cisco.com' },
  apj: { api: 'api.apj.sse.itd.cisco.com', eventing: 'eventing-ingest.apj.sse.itd.cisco.com', mx: 'mx01.apj.sse.itd.cisco.com' },
};

/** The region a cloud host belongs to; undefined for shared hosts (est.sco.cisco.com) and others. */
export function regionOfHost(host: string): SseRegion | undefined {
  const h = host.toLowerCase();
  return SSE_REGIONS.find((r) => Object.values(REGION_HOSTS[r]).includes(h));
}

/** The region a host spec registers the device to: its `sseRegion`, else the region a
 * `region-<r>` scenario names, else `us`. */
export function regionOfSpec(spec: { sseRegion?: SseRegion; scenario?: string }): SseRegion {
  if (spec.sseRegion) return spec.sseRegion;
  const named = /^region-(\w+)$/.exec(spec.scenario ?? '')?.[1];
  return SSE_REGIONS.find((r) => r === named) ?? 'us';
}
