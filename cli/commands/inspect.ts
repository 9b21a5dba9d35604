/**
 * `governor inspect BUNDLE`: what a policy bundle holds (network, codecs, knobs, tenant
 * slots, training config and steps, feature ranges, file hashes), after verifying it;
 * exit 2 with the reason when it is corrupt.
 */
import type { Command } from 'commander';
import type { NetworkSpec } from '../../agents/network-spec.js';
import { ObservationCodec } from '../../env/cluster/observation-codec.js';
import { inspectBundle } from '../../training/inspect-bundle.js';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('verify a policy bundle and print what it holds')
    .argument('<bundle>', 'policy bundle directory')
    .option('--json', 'print the report as JSON')
    .action((dir: string, flags: { json?: boolean }) => {
      const r = inspectBundle(dir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      const m = r.manifest;
      const t = m.training as Record<string, unknown>;
      const config = t.config as { ppo?: object; stages?: unknown[]; cluster?: object } | undefined;
      const lines = [
        `bundle ${dir}: OK (format ${m.format} v${m.formatVersion}, governor ${m.governorVersion}, tfjs ${m.tfjsVersion})`,
        `network: ${describeNetwork(m.network)}, ${r.parameterCount} parameters in ${r.parameters.length} tensors`,
      ];
      for (const p of r.parameters) lines.push(`  ${p.name} [${p.shape.join(', ')}]`);
      if (r.codec?.observation && r.codec.action) {
        const o = r.codec.observation;
        const size = new ObservationCodec(o).size;
        lines.push(
          `codecs: observation of ${size} values (offered-rate EMA α ${o.offeredRateAlpha}), action of ${r.codec.action.slotCount * r.codec.action.knobs.length} values`,
          `knobs: ${r.codec.action.knobs.join(', ')}`,
          `max tenants: ${o.slotCount}`,
          `admission services: ${r.codec.action.admissionServices.join(', ') || '(every service)'}`,
          `observation normalisation: ${r.codec.observationNormalization ? `running mean/std over ${Math.round(r.codec.observationNormalization.count)} observations` : 'none'}`,
        );
      } else {
        lines.push('codecs: none (not a cluster policy)');
      }
      lines.push(
        `training: ${t.algorithm ?? '?'} on ${t.env ?? '?'}, ${t.globalStep ?? '?'} steps of ${t.totalSteps ?? '?'}, seed ${t.seed ?? '?'}`,
      );
      const base = (r.codec as { base?: { policy: string }[] | null } | null)?.base;
      if (base && r.codec?.action) {
        const a = r.codec.action;
        // Codecs written before the correction bases existed decode with 32 and 8.
        const down = a.residualRateBase ?? 32;
        const up = a.residualRateUpBase ?? down;
        const rate =
          up === down
            ? `× ${down}^a`
            : up === 1
              ? `× ${down}^a for a < 0 (tighten only)`
              : `× ${down}^a for a < 0, × ${up}^a for a > 0`;
        const shield = a.residualShield
          ? ` (loosening shielded: path below ${a.residualShield.utilization} busy, SLOs met, ≤ ${a.residualShield.demandCap} × offered${a.residualShield.transfer === undefined ? '' : `; rate freed by tightening goes to ${a.residualShield.transfer === 'asked' ? 'held-back loosenings' : 'tenants short of their entitlement'} at a shared service`}${a.residualShield.floor === undefined ? '' : `; tightening never below the ${a.residualShield.floor === 'guarantee' ? 'guarantee' : 'entitlement'}`})`
          : '';
        // Only the knobs the network sets (bundles before `knobs` was recorded: both).
        const knobs: readonly string[] = a.knobs ?? ['rateLimit', 'weight'];
        const corrections = [
          knobs.includes('rateLimit') ? `rate limit ${rate}${shield}` : '',
          knobs.includes('weight') ? `weight × ${a.residualWeightBase ?? 8}^a` : '',
        ].filter((x) => x !== '');
        lines.push(
          `residual over: ${base.map((b) => b.policy).join(' + ')}; corrections: ${corrections.join(', ')}`,
        );
        const observesBase = (r.codec?.observation as { baseFeatures?: boolean } | undefined)
          ?.baseFeatures;
        const imitation = (config as { imitation?: { steps: number; epochs: number } } | undefined)
          ?.imitation;
        if (observesBase || imitation)
          lines.push(
            [
              observesBase ? "observes the base's decision" : '',
              imitation
                ? `warm-started by imitating the guarantee-share rule (${imitation.steps} windows, ${imitation.epochs} epochs)`
                : '',
            ]
              .filter((x) => x !== '')
              .join('; '),
          );
      }
      if (typeof t.validationScore === 'number')
        lines.push(
          `selected by validation: score ${t.validationScore.toFixed(4)} (base alone ${typeof t.baseValidationScore === 'number' ? t.baseValidationScore.toFixed(4) : '?'})`,
        );
      const scenario = (config as { scenario?: unknown } | undefined)?.scenario;
      if (config && typeof scenario === 'string')
        lines.push(`training config: scenario ${scenario}; ppo ${JSON.stringify(config.ppo)}`);
      else if (config)
        lines.push(
          `training config: ${config.stages?.length ?? 1} curriculum stage(s); env ${JSON.stringify(config.cluster)}; ppo ${JSON.stringify(config.ppo)}`,
        );
      // The daemon's guard checks inputs against these; without them only the safety
      // bounds guard the policy, which the user should hear before deploying it.
      lines.push(
        r.featureRangeCount > 0 || !r.clusterPolicy
          ? `feature ranges: ${r.featureRangeCount}`
          : 'feature ranges: none recorded (warning: `governor serve` can guard this policy only by its safety bounds; `governor export` of a `governor train` run records them)',
      );
      lines.push('files (sha256):');
      for (const [name, hash] of Object.entries(m.files)) lines.push(`  ${name}  ${hash}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function describeNetwork(spec: NetworkSpec): string {
  if (spec.kind === 'tenant')
    return `per-tenant (${spec.layout.slotCount} slots × ${spec.layout.slotDim} features + ${spec.layout.globalDim} global, hidden ${spec.hidden}, ${spec.actionsPerTenant} actions per tenant)`;
  return `MLP ${spec.observationDim} → [${spec.hidden.join(', ')}] → ${spec.action.kind === 'discrete' ? `${spec.action.n} classes` : `${spec.action.dim} dims`}`;
}
