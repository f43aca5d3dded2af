import type { Config } from '../../config/config.js';
import { explainNewSession, describePace, formatPace } from '../../rotator/explain-choice.js';
import type { StoreData } from '../../store/schema.js';
import type { Palette } from './colors.js';

/**
 * `status --explain`: where a new session would go now and why, then every account's standing (the
 * pace strategy's ranking: weekly units left per hour until reset), or why it is out.
 */
export function renderRoutingExplanation(
  data: StoreData,
  now: number,
  config: Pick<Config, 'strategy' | 'pauseAtPercent' | 'snapshotStaleAfter'>,
  palette: Palette,
): string[] {
  const explanation = explainNewSession(data, now, {
    strategy: config.strategy,
    pauseAtPercent: config.pauseAtPercent,
    snapshotStaleAfterMs: config.snapshotStaleAfter,
  });
  const lines = [palette.bold(`Routing (strategy ${config.strategy}):`)];
  const { chosen } = explanation;
  if (!chosen) lines.push('  A new session now would find no eligible account (reasons below).');
  else if (chosen.reason === 'pinned') lines.push(`  A new session now goes to ${chosen.account.alias}: it is pinned.`);
  else if (chosen.reason === 'most-at-risk') {
    lines.push(`  A new session now goes to ${chosen.account.alias}: its quota is the most at risk`);
    lines.push('  of expiring unused.');
  } else if (chosen.reason === 'most-headroom') lines.push(`  A new session now goes to ${chosen.account.alias}: it has the most headroom.`);
  else lines.push(`  A new session now goes to ${chosen.account.alias} (next in turn).`);
  lines.push('  A session stays on its account while that account is eligible.');
  if (config.strategy === 'pace') {
    lines.push('  Pace: weekly units left (percent left × plan weight, Plus = 1) per hour');
    lines.push('  until the weekly reset. The highest pace is the quota most at risk.');
  }
  for (const standing of explanation.standings) {
    const name = standing.account.alias;
    if (!standing.eligible) {
      lines.push(`  ${palette.dim('-')} ${name}: out (${standing.reasons.join('; ')})`);
      continue;
    }
    const edge = standing.atEdge ? ', at the edge of a limit (last resort)' : '';
    lines.push(
      `  ${standing.account.id === chosen?.account.id ? '>' : ' '} ${name}: ${formatPace(standing.pace.pace)}, ${Math.round(standing.percentLeft)}% headroom${edge}`,
    );
    lines.push(`      ${describePace(standing.account, standing.pace)}`);
  }
  return lines;
}
