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
  'unexpected-prompt': { en: 'The device showed a prompt firebook did not expect (password change, other CLI mode): log in by hand once and check platform in the inventory.', ja: '想定外のプロンプトが表示されました (パスワード変更要求や別の CLI モード)。一度手動でログインし、インベントリの platform を確認してください。' },
  disconnected: { en: 'The connection dropped during the run: check device load and stability, then re-run this host with --limit.', ja: '実行中に接続が切断されました。機器の負荷と安定性を確認し、--limit でこのホストを再実行してください。' },
  'command-timeout': { en: 'A command did not finish within its timeout and the shell could not be recovered: raise firebook_command_timeout or check the device.', ja: 'コマンドがタイムアウト内に終わらず、シェルを回復できませんでした。firebook_command_timeout を延ばすか機器を確認してください。' },
  'host-timeout': { en: 'The host did not finish within firebook_host_timeout: check device load, or raise the limit.', ja: 'ホストが firebook_host_timeout 内に終わりませんでした。機器の負荷を確認するか、上限を延ばしてください。' },
  interrupted: { en: 'The run was interrupted before this host finished: re-run it with --limit.', ja: 'このホストの完了前に実行が中断されました。--limit で再実行してください。' },
  'replay-missing': { en: 'The recording has no output for this command: record the host again with --record.', ja: '記録にこのコマンドの出力がありません。--record で再記録してください。' },
  'level-unavailable': { en: 'This shell level is not available on this device (e.g. CLISH on a bash-login FMC).', ja: 'この機器ではこのシェルレベルを利用できません (例: bash ログインの FMC の CLISH)。' },
  internal: { en: 'firebook hit an internal error on this host: please report it with the events.jsonl file.', ja: 'このホストで firebook の内部エラーが発生しました。events.jsonl を添えて報告してください。' },
};
