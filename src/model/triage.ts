/** For every way a host can fail before or during a run: a plain next step (en/ja). */
import type { LocalizedText } from './playbook.js';
import type { TriageClass } from './transport.js';

export const TRIAGE_NEXT: Record<TriageClass, LocalizedText> = {
  dns: { en: 'The host name does not resolve: check ansible_host in the inventory and the DNS of the machine running firebook.', ja: 'ホスト名が解決できません。インベントリの ansible_host と、firebook を実行するマシンの DNS を確認してください。' },
  refused: { en: 'Connection refused: check that SSH is enabled on the management interface and the port (ansible_port) is right.', ja: '接続が拒否されました。管理インターフェイスで SSH が有効か、ポート (ansible_port) が正しいか確認してください。' },
  'connect-timeout': { en: 'No answer within the connect timeout: check routing and ACLs to the management address, or raise firebook_connect_timeout.', ja: '接続タイムアウト内に応答がありません。管理アドレスへのルーティングと ACL を確認するか、firebook_connect_timeout を延ばしてください。' },
  'host-key-mismatch': { en: 'The host key differs from known_hosts: verify the device (re-imaged? man-in-the-middle?) before updating known_hosts. No command was sent.', ja: 'ホスト鍵が known_hosts と一致しません。known_hosts を更新する前に機器を確認してください (再イメージ? 中間者攻撃?)。コマンドは送信していません。' },
  'host-key-unknown': { en: 'The host key is not in known_hosts: add it (ssh-keyscan, verified out of band) or run once with --accept-new-host-keys.', ja: 'ホスト鍵が known_hosts にありません。別経路で確認した鍵を追加するか、--accept-new-host-keys で一度実行してください。' },
  auth: { en: 'Authentication failed: check ansible_user and the password or key; repeated failures can lock the account on TACACS+/ISE.', ja: '認証に失敗しました。ansible_user とパスワードまたは鍵を確認してください。失敗を繰り返すと TACACS+/ISE でアカウントがロックされることがあります。' },
  privilege: { en: 'Privilege escalation failed. sudo refused: check ansible_become_password. expert refused: the user needs Config privilege, and expert mode may be disabled on this device (system lockdown) — then only CLI-level checks can run.', ja: '権限昇格に失敗しました。sudo が拒否された場合は ansible_become_password を確認してください。expert が拒否された場合、ユーザーに Config 権限が必要です。また機器で expert モードが無効化されている可能性があります (system lockdown)。その場合は CLI レベルのチェックのみ実行できます。' },
  'unexpected-prompt': { en: 'The device showed a prompt firebook did not expect (password change, a menu or other CLI mode, a shell that does not run POSIX commands): log in by hand once and check platform in the inventory.', ja: '想定外のプロンプトが表示されました (パスワード変更要求、メニューや別の CLI モード、POSIX コマンドを実行しないシェル)。一度手動でログインし、インベントリの platform を確認してください。' },
  disconnected: { en: 'The connection dropped during the run: check device load and stability, then re-run this host with --limit.', ja: '実行中に接続が切断されました。機器の負荷と安定性を確認し、--limit でこのホストを再実行してください。' },
  'command-timeout': { en: 'A command did not finish within its timeout and the shell could not be recovered: raise firebook_command_timeout or check the device.', ja: 'コマンドがタイムアウト内に終わらず、シェルを回復できませんでした。firebook_command_timeout を延ばすか機器を確認してください。' },
  'host-timeout': { en: 'The host did not finish within firebook_host_timeout: check device load, or raise the limit.', ja: 'ホストが firebook_host_timeout 内に終わりませんでした。機器の負荷を確認するか、上限を延ばしてください。' },
  interrupted: { en: 'The run was interrupted before this host finished: re-run it with --limit.', ja: 'このホストの完了前に実行が中断されました。--limit で再実行してください。' },
  'replay-missing': { en: 'The recording has no output for this command: record the host again with --record.', ja: '記録にこのコマンドの出力がありません。--record で再記録してください。' },
  'level-unavailable': { en: 'This shell level is not available on this device (e.g. CLISH on a bash-login FMC).', ja: 'この機器ではこのシェルレベルを利用できません (例: bash ログインの FMC の CLISH)。' },
  'invalid-input': { en: 'A value in the inventory is not one this playbook accepts (the message names the input, its file and what it accepts): fix it there and re-run this host with --limit. Nothing was sent to the device.', ja: 'インベントリの値をこのプレイブックが受け付けません (メッセージに入力名、ファイル、受け付ける値があります)。そのファイルを直し、--limit でこのホストを再実行してください。機器には何も送信していません。' },
  internal: { en: 'firebook hit an internal error on this host: please report it with the events.jsonl file.', ja: 'このホストで firebook の内部エラーが発生しました。events.jsonl を添えて報告してください。' },
};

/** What happened, in a few words per class (en/ja): the headline a person reads first. The
 * triage message under it is the device's or the SSH library's own text, shown as detail. */
export const TRIAGE_CAUSE: Record<TriageClass, LocalizedText> = {
  dns: { en: 'host name does not resolve', ja: 'ホスト名を解決できない' },
  refused: { en: 'SSH connection refused', ja: 'SSH 接続が拒否された' },
  'connect-timeout': { en: 'no answer to the SSH connection (timeout)', ja: 'SSH 接続に応答がない (タイムアウト)' },
  'host-key-mismatch': { en: 'host key changed: refused, no command sent', ja: 'ホスト鍵が変わった: 拒否し、コマンドは送信していない' },
  'host-key-unknown': { en: 'host key not in known_hosts', ja: 'ホスト鍵が known_hosts にない' },
  auth: { en: 'SSH authentication failed', ja: 'SSH 認証に失敗した' },
  privilege: { en: 'privilege escalation failed (expert / sudo)', ja: '権限昇格に失敗した (expert / sudo)' },
  'unexpected-prompt': { en: 'unexpected prompt from the device', ja: '機器が想定外のプロンプトを表示した' },
  disconnected: { en: 'connection lost during the run', ja: '実行中に接続が切断された' },
  'command-timeout': { en: 'a command timed out and the shell could not be recovered', ja: 'コマンドがタイムアウトし、シェルを回復できなかった' },
  'host-timeout': { en: 'the host did not finish in time', ja: 'ホストが制限時間内に終わらなかった' },
  interrupted: { en: 'the run was interrupted', ja: '実行が中断された' },
  'replay-missing': { en: 'no recorded output for a command', ja: 'コマンドの記録された出力がない' },
  'level-unavailable': { en: 'shell level not available on this device', ja: 'この機器ではシェルレベルを利用できない' },
  'invalid-input': { en: 'a value in the inventory is not accepted', ja: 'インベントリの値が受け付けられない' },
  internal: { en: 'internal error in firebook', ja: 'firebook の内部エラー' },
};
