// examples/deploy: Docker cannot run here, so the files are checked against the repository and the
// CLI they start: every path the Dockerfile copies exists, every workspace manifest is copied (npm ci
// needs them), the commands' flags parse, and the Kubernetes manifests are consistent with each other.
import { existsSync, readFileSync } from 'node:fs';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { COMMANDS } from '../src/index.js';
import { ROOT } from './helpers.js';

const DEPLOY = `${ROOT}examples/deploy/`;
const dockerfile = readFileSync(`${DEPLOY}Dockerfile`, 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));

/** The CLI's own parser accepts these arguments (`purevit <command> …`). */
function expectCliArgs(argv: readonly string[]): void {
  const command = COMMANDS.find((c) => c.name === argv[0]);
  expect(command, argv[0]).toBeDefined();
  expect(() => parseArgs(argv.slice(1), command!.flags, 'usage')).not.toThrow();
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('examples/deploy', () => {
  it('Dockerfile: copied paths exist, every workspace manifest is copied, ENTRYPOINT and CMD run the CLI', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    for (const line of copies) {
      const [, ...parts] = line.split(/\s+/);
      for (const source of parts.slice(0, -1)) expect(existsSync(`${ROOT}${source}`), source).toBe(true);
    }
    const workspaces = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { workspaces: string[] }).workspaces;
    for (const ws of workspaces) expect(copies.some((l) => l.includes(`${ws}/package.json`)), ws).toBe(true);
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(dockerfile)![1]) as string[];
    expect(entrypoint).toEqual(['node', '/app/packages/cli/bin/purevit.js']);
    expect(existsSync(`${ROOT}packages/cli/bin/purevit.js`)).toBe(true);
    expectCliArgs(JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]) as string[]);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    const ignored = readFileSync(`${DEPLOY}Dockerfile.dockerignore`, 'utf8').split('\n');
    for (const needed of ['models', 'packages/cli/bin', 'packages/cli/src']) expect(ignored.some((p) => p.trim() === needed)).toBe(false);
  });

  it('serve.yaml: Deployment, Service and HPA agree; probes on the v2 health endpoints; the grace period covers the drain', () => {
    const docs = loadAll(readFileSync(`${DEPLOY}kubernetes/serve.yaml`, 'utf8')) as Obj[];
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['apps/v1 Deployment', 'v1 Service', 'autoscaling/v2 HorizontalPodAutoscaler']);
    const [deployment, service, hpa] = docs;
    const labels = deployment.spec.template.metadata.labels as Obj;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(Object.entries(service.spec.selector as Obj).every(([k, v]) => labels[k] === v)).toBe(true);
    const [container] = deployment.spec.template.spec.containers as Obj[];
    expectCliArgs(container.args as string[]);
    const port = (container.ports as Obj[]).find((p) => p.name === service.spec.ports[0].targetPort)!;
    expect(port.containerPort).toBe(8080);
    expect((container.args as string[]).includes('--port=8080')).toBe(true);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'http' });
    const drainMs = Number((container.args as string[]).find((a) => a.startsWith('--drain-timeout-ms='))!.split('=')[1]);
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs + preStopSeconds * 1000);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  });

  it('batch-job.yaml: an Indexed Job whose pods take shard $(JOB_COMPLETION_INDEX) of `completions`, resumable', () => {
    const job = load(readFileSync(`${DEPLOY}kubernetes/batch-job.yaml`, 'utf8')) as Obj;
    expect(`${job.apiVersion} ${job.kind}`).toBe('batch/v1 Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const [container] = job.spec.template.spec.containers as Obj[];
    const args = container.args as string[];
    expectCliArgs(args);
    expect(args).toContain(`--shard=$(JOB_COMPLETION_INDEX)/${job.spec.completions}`);
    expect(args).toContain('--resume');
    expect(args.find((a) => a.startsWith('--out='))).toContain('$(JOB_COMPLETION_INDEX)'); // one output per shard
    expect((container.env as Obj[]).find((e) => e.name === 'JOB_COMPLETION_INDEX')!.valueFrom.fieldRef.fieldPath).toBe(
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
  });
});
