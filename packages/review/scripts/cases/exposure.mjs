/**
 * The exposure fixture group: a function already public through its URL (authorization NONE and the
 * permission that lets anyone call it), and a second function, for moves of that exposure.
 */
import { lambdaTrust } from './shared.mjs';

const fn = (name) => ({
  function_name: name,
  role: '${aws_iam_role.fn.arn}',
  runtime: 'nodejs22.x',
  handler: 'index.handler',
  filename: 'fn.zip',
});

const exposureBaseline = () => ({
  resource: {
    aws_iam_role: { fn: { name: 'review-exposure-fn', assume_role_policy: lambdaTrust } },
    aws_lambda_function: { site: fn('review-site'), admin: fn('review-admin') },
    aws_lambda_function_url: {
      site: { function_name: '${aws_lambda_function.site.function_name}', authorization_type: 'NONE' },
    },
    aws_lambda_permission: {
      site_url: {
        statement_id: 'PublicUrl',
        action: 'lambda:InvokeFunctionUrl',
        function_name: '${aws_lambda_function.site.function_name}',
        principal: '*',
        function_url_auth_type: 'NONE',
      },
    },
  },
});

const exposureCases = [
  {
    name: 'exposure-url-moved',
    class: 'moves',
    expect: [
      'high iam.lambda-permission-public aws_lambda_permission.site_url',
      'high lambda.permission-moved aws_lambda_permission.site_url',
      'high lambda.url-public aws_lambda_function_url.site',
    ],
    description: 'the public URL and its permission move from the public site function to the admin function',
    mutate: (c) => {
      c.resource.aws_lambda_function_url.site.function_name = '${aws_lambda_function.admin.function_name}';
      c.resource.aws_lambda_permission.site_url.function_name = '${aws_lambda_function.admin.function_name}';
    },
    changes: ['aws_lambda_function_url.site', 'aws_lambda_permission.site_url'],
  },
  {
    name: 'exposure-benign-url-cors',
    class: 'moves',
    expect: [],
    benign: true,
    description: 'benign: the already public URL of the site function gets a CORS origin',
    mutate: (c) =>
      (c.resource.aws_lambda_function_url.site.cors = [
        { allow_origins: ['https://example.com'], allow_methods: ['GET'] },
      ]),
    changes: ['aws_lambda_function_url.site'],
  },
];

export const group = { name: 'exposure', baseline: exposureBaseline, cases: exposureCases, lambdaZip: true };
