/** The lab's read-only file tree, computed from the device state when read (so logs stay
 * "recent" relative to the lab's clock and `/etc/resolv.conf` follows `configure network dns`). */
import type { Device } from './device.js';
import { renderSfVersion } from './texts.js';
import { REGION_HOSTS } from './regions.js';

/** Path of the fault file whose size is set by `faults.hugeOutputBytes`. */
export const HUGE_LOG_PATH = '/var/log/huge.log';
/** Fault files: raw binary bytes (binaryOutputBytes) and prompt-like lines (promptLikeOutput). */
export const BINARY_PATH = '/var/log/binary.dat';
export const PROMPTS_LOG_PATH = '/var/log/prompts.log';

/** The enrollment probe as logged by ActionQueueScrape (docs/securex.md step 1). */
const CANCONNECT =
  'ActionQueueScrape pl[19094]: [SF::SSE::Enrollment] canConnect: System (/usr/bin/curl -s --connect-timeout 10 -m 20 -L --max-redirs 5 --max-filesize 1000000000';

/** Go's RFC3339Nano in the device's -05:00 zone, as in the guide's connector.log capture (docs/securex.md step 7). */
function formatGoTime(ms: number, nanos: number): string {
  const local = new Date(ms - 5 * 3600_000).toISOString().slice(0, 19);
  return `${local}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}-05:00`;
}

/** connector.log with the Go error forms of docs/securex.md "connector.log failure forms". */
function renderConnectorLog(device: Device, nowMs: number): string {
  const host = device.profile.name;
  const { scenario } = device.profile;
  const eventing = REGION_HOSTS[device.profile.sseRegion].eventing;
  // Five entries 4–5 minutes apart, the newest about a minute old.
  const times = [21, 17, 12, 7, 1].map((minAgo, i) => formatGoTime(nowMs - minAgo * 60_000 - i * 7_311, 884720460 + i * 1111));
  return times
    .map((t, i) => {
      const ip = i % 2 === 0 ? '192.0.2.246' : '192.0.2.234';
      if (scenario === 'egress-blocked') {
        return `time="${t}" level=error msg="[${host}][events.go:90 events:connectWebSocket] dial tcp ${ip}:443: i/o timeout"`;
      }
      // Follows the device's state: once its DNS is fixed, the connector reconnects.
      if (!device.isDnsWorking()) {
        return `time="${t}" level=error msg="[${host}][events.go:90 events:connectWebSocket] dial tcp: lookup ${eventing} on 203.0.113.53:53: read udp ${device.managementAddress()}:4${i}133->203.0.113.53:53: i/o timeout"`;
      }
      if (scenario === 'tls-intercepted') {
        return `time="${t}" level=error msg="[${host}][events.go:90 events:connectWebSocket] x509: certificate signed by unknown authority"`;
      }
      if (scenario === 'connector-misconfigured') {
        return `time="${t}" level=error msg="[${host}][registration.go:112 registration:register] Post https://${wrongFqdn}/providers/sse/services/registration/api/v2/clients: dial tcp: lookup ${wrongFqdn}: no such host"`;
      }
      return `time="${t}" level=info msg="[${host}][events.go:121 events:connectWebSocket] connected to wss://${eventing}/ (${ip}:443)"`;
    })
    .join('\n') + '\n';
}

/** The FQDN the connector-misconfigured scenario writes (the right one is the region's API host). */
export const wrongFqdn = 'api.sse.cisco.com';

function renderConnectorProperties(device: Device): string {
  const fqdn = device.profile.scenario === 'connector-misconfigured' ? wrongFqdn : REGION_HOSTS[device.profile.sseRegion].api;
  return `registration_interval=180\nconnector_port=8989\nconnector_fqdn=${fqdn}\n`;
}

/** Failing probes append the URL and the curl exit code to the guide's line. The device's real
 * tail is unknown (docs/securex.md step 1); the lab's format is:
 * `<guide line> https://<region API host>) failed, exit code <N>`. */
function renderActionQueueLog(device: Device): string {
  const lines = [`${CANCONNECT})`];
  const api = REGION_HOSTS[device.profile.sseRegion].api;
  const code = !device.isDnsWorking() ? 6 : device.isEgressBlocked(api) ? 28 : device.isTlsIntercepted() ? 60 : 0;
  if (code !== 0) {
    for (let i = 0; i < 3; i++) lines.push(`${CANCONNECT} https://${api}) failed, exit code ${code}`);
  }
  return lines.join('\n') + '\n';
}

const CA_PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ',
  'RTESMBAGA1UEChMJQmFsdGltb3JlMRMwEQYDVQQLEwpDeWJlclRydXN0MSIwIAYD',
  'VQQDExlCYWx0aW1vcmUgQ3liZXJUcnVzdCBSb290MB4XDTAwMDUxMjE4NDYwMFoX',
  'DTI1MDUxMjIzNTkwMFowWjELMAkGA1UEBhMCSUUxEjAQBgNVBAoTCUJhbHRpbW9y',
  '-----END CERTIFICATE-----',
].join('\n');

/** Returns the file's content, or undefined if it does not exist on this device. */
export function readLabFile(device: Device, path: string, nowMs = Date.now()): string | undefined {
  const written = device.writtenFiles.get(path);
  if (written !== undefined) return written;
  const isFtd = device.profile.platform === 'ftd';
  // FTD keeps the application tree under /ngfw and also exposes the plain paths (docs/devices.md "Paths");
  // action_queue.log is the exception: on FTD it is only under /ngfw.
  const rel = isFtd && path.startsWith('/ngfw/') ? path.slice(5) : path;
  switch (rel) {
    case '/etc/sf/connector.properties':
      return renderConnectorProperties(device);
    case '/var/log/connector/connector.log':
      return renderConnectorLog(device, nowMs);
    case '/var/log/action_queue.log':
      return isFtd && rel === path ? undefined : renderActionQueueLog(device);
    case '/etc/ssl/connectorCA.pem':
      return CA_PEM + '\n';
    case '/etc/hostname':
      return device.profile.name + '\n';
    case '/etc/sf/ims.conf':
      // The appliance UUID a bundle carries (docs/bundles.md "The lab's bundles").
      return `APPLIANCE_UUID=${device.profile.uuid}\n`;
    case '/etc/resolv.conf':
      return device.dnsServers.map((s) => `nameserver ${s}`).join('\n') + '\n';
  }
  if (path === '/etc/sf/sf-version' && !isFtd) return renderSfVersion(device);
  if (path === HUGE_LOG_PATH && device.profile.faults.hugeOutputBytes !== undefined) return renderHugeLog(device.profile.faults.hugeOutputBytes);
  if (path === PROMPTS_LOG_PATH && device.profile.faults.promptLikeOutput) return PROMPT_LIKE_LINES;
  return undefined;
}

/** Lines a prompt matcher could mistake for a prompt, as a log or a config dump can hold them. */
const PROMPT_LIKE_LINES = ['> ', 'admin@firepower:~$ ', 'root@firepower:~# ', 'Password: ', '--More--', 'firepower# ', '$ ', '> show version', 'end of prompts.log'].join('\n') + '\n';

/** `bytes` raw bytes: every byte value in a fixed scramble, with the nastiest sequences for a
 * terminal reader up front (invalid UTF-8, NUL, lone CR, DCS/OSC/CSI introducers never ended). */
export function renderBinary(bytes: number): Buffer {
  const head = Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x1b, 0x50, 0x71, 0x1b, 0x5d, 0x30, 0x3b, 0x1b, 0x5b, 0x33, 0x0d, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0x3e, 0x20, 0x0a]);
  const out = Buffer.alloc(bytes);
  head.copy(out, 0, 0, Math.min(bytes, head.length));
  for (let i = head.length; i < bytes; i++) out[i] = (i * 167 + 13) & 0xff;
  return out;
}

/** Exactly `bytes` bytes of numbered log lines. */
export function renderHugeLog(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const line = `huge log line ${String(i).padStart(8, '0')} lorem ipsum dolor sit amet consectetur\n`;
    parts.push(line);
    size += line.length;
  }
  // End on a newline so the next prompt starts its own line.
  return bytes > 0 ? parts.join('').slice(0, bytes - 1) + '\n' : '';
}

/** Directories that exist on every device (plus the parents of the lab's files). */
const BASE_DIRS = ['/tmp', '/root', '/home/admin', '/dev', '/usr/bin', '/usr/local/sf/bin', '/etc/sf', '/etc/ssl', '/var/log/connector', '/var/sf/run', '/var/common'];

/** Directories `cd` accepts: every parent of a lab file plus the usual ones (FTD: also under /ngfw). */
export function isLabDirectory(device: Device, path: string): boolean {
  const dirs = [...BASE_DIRS, device.profile.home];
  if (device.profile.platform === 'ftd') dirs.push(...BASE_DIRS.filter((d) => !d.startsWith('/home') && d !== '/root' && d !== '/tmp' && d !== '/dev').map((d) => `/ngfw${d}`));
  for (const f of device.writtenFiles.keys()) dirs.push(f.slice(0, f.lastIndexOf('/')) || '/');
  return path === '/' || dirs.some((d) => d === path || d.startsWith(path + '/'));
}
