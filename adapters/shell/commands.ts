/** The shell's command words, its help, and the nearest command to a typo. */

export const SHELL_HELP = `commands:
  /aims register              register an AI tool and answer the triage questions
  /aims check <name>          is this tool approved, and under which conditions?
  /aims list                  the tools you own or registered
  /aims show <ref>            one tool in full, e.g. /aims show AI-1
  /aims pending               approvals waiting for you
  /aims approve <ref>         approve your step of a tool's request
  /aims reject <ref> <reason> reject it, with a reason
  /aims changes <ref> <reason> request changes, with a reason
  /aims resubmit <ref>        answer the triage again after changes were requested
  /aims review <ref>          confirm, update, retire or snooze a tool's review
  /aims controls [filter] [n] the control register (compliance); filters: applicable, excluded,
                              justification-needed or a status; controls edit <id>, controls add <title>
  /aims soa                   the Statement of Applicability as a file (compliance); soa approve [hash]
  /aims impact <ref>          assess a tool's impact on people and society (and the Art. 27 FRIA elements)
  /aims inventory [filter]    compliance: the whole inventory, e.g. high approved, owner=bob, overdue, page=2
  /aims home                  compliance: counts by class and status, untreated high risks, overdue tasks and reviews
  /aims tasks [all|overdue]   your open tasks (all or overdue ones: compliance)
  /aims task <ref>            close a task: done with evidence, or not applicable with a reason
  /aims risks <ref>           a tool's risk register: heat map and list
  /aims assess <ref>          assess a tool's risks (owner, compliance)
  /aims risk add <ref> · risk edit <AI-1/R-1> · risk accept <AI-1/R-1>   one risk
  /aims export risks [csv|json]  every risk register as a file (compliance)
  /aims incident [<ref>]      report an incident with an AI system; incident INC-4 shows one,
                              incident INC-4 informed|reported records the provider informed or the authority report sent
  /aims export incidents [csv|json]  every incident as a file (compliance)
  /aims nc raise · nc <NC-n> [containment|root-cause|action|verify|close]   nonconformities
  /aims export nonconformities [csv|json]  every nonconformity as a file (compliance)
  /aims audit plan · audit <id>  plan an internal audit and draw its sample (compliance); see one
  /aims finding <audit id>    record a finding (the audit's auditors)
  /aims export audit-report <id> · export audits [csv|json]  the audit report, or every audit (compliance)
  /aims register <name>       register a tool with what the AI tool catalog knows filled in
  /aims transfer <ref> <person>  hand a tool to another owner (owner, compliance)
  /aims edit <ref>            change a tool's name, vendor, link, purpose or department (owner, compliance)
  /aims survey [ai-use|policy|literacy]  start a campaign now (compliance)
  /aims survey answer <ref> none|<tools>  answer the AI-use survey (tools comma separated)
  /aims policy                the AI policy and whether you acknowledged it; policy acknowledge [version]
  /aims literacy <evidence>   confirm your AI literacy training (a link or a note)
  /aims export literacy [csv|json]  policy acknowledgements and literacy records (compliance)
  /aims management-review     compliance: generate the management review pack now; management-review decide <MR ref> <text> [by DATE], management-review held <MR ref> [attendees]
  /as <name>                  speak as someone else (e.g. /as compliance, /as @bob)
  /aims help                  this list
  a line starting with / while answering questions cancels them (on a terminal, so does Ctrl-C)
  (end of input, /quit or Ctrl-C twice leaves)`;

/** Every word `/aims` understands. */
export const COMMANDS = ['register', 'check', 'list', 'show', 'pending', 'approve', 'reject', 'changes', 'resubmit', 'review', 'risks', 'assess', 'risk', 'tasks', 'task', 'impact', 'inventory', 'home', 'controls', 'soa', 'export', 'help', 'incident', 'nc', 'audit', 'finding', 'transfer', 'edit', 'survey', 'policy', 'literacy', 'management-review'] as const;

/** Levenshtein distance: insertions, deletions and substitutions (a swap counts two). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The command a typo most likely meant (at most 2 edits, or a prefix such as `reg`), or null. */
export function nearestCommand(typed: string): string | null {
  const word = typed.toLowerCase();
  let best: { command: string; distance: number } | null = null;
  for (const command of COMMANDS) {
    const distance = editDistance(word, command);
    if (!best || distance < best.distance) best = { command, distance };
  }
  if (best && best.distance <= Math.min(2, Math.floor(word.length / 2))) return best.command;
  const prefixed = COMMANDS.filter((c) => word.length >= 3 && c.startsWith(word));
  return prefixed.length === 1 ? prefixed[0]! : null;
}

/** The answer to an unknown command: what was typed, and the nearest command or the help. */
export function unknownCommand(typed: string): string {
  const near = nearestCommand(typed);
  return near ? `unknown command \`${typed}\` — did you mean \`${near}\`?` : `unknown command \`${typed}\`.\n${SHELL_HELP}`;
}
