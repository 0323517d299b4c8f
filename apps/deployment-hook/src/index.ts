/**
 * Lambda entry point of the deployment hook: CodeDeploy invokes it as BeforeAllowTraffic or
 * AfterAllowTraffic. Environment: SMOKE_TESTS (required; src/constants.ts).
 * SDK clients read AWS_ENDPOINT_URL themselves, which is how the bundle test points them at a local fake.
 */
import {
  CodeDeployClient,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createObservability, withObservability } from '@secure-lambda/observability';
import { SERVICE_NAME } from './constants';
import { createHook, type HookPort, readHookConfig } from './hook';

const config = readHookConfig(process.env);
const observability = createObservability({ serviceName: SERVICE_NAME });
const codedeploy = new CodeDeployClient({});
const lambda = new LambdaClient({});

const port: HookPort = {
  async appSpec(deploymentId) {
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    return deploymentInfo?.revision?.appSpecContent?.content ?? '{}';
  },
  async invoke(functionName, version, payload) {
    const result = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Qualifier: version, Payload: Buffer.from(payload) }),
    );
    return {
      ...(result.FunctionError ? { functionError: result.FunctionError } : {}),
      payload: result.Payload ? Buffer.from(result.Payload).toString('utf8') : '',
    };
  },
  async report(deploymentId, executionId, status) {
    await codedeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId,
        lifecycleEventHookExecutionId: executionId,
        status,
      }),
    );
  },
};

/**
 * The Lambda handler.
 *
 * @example
 * ```ts
 * // CodeDeploy: Hooks: [{ BeforeAllowTraffic: "<this function>" }]
 * await handler({ DeploymentId: 'd-ABC', LifecycleEventHookExecutionId: 'exec' }, context);
 * ```
 */
export const handler = withObservability(
  createHook({ port, config, logger: observability.logger }),
  observability,
);
