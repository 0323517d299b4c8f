/** `arn:<partition>:kms:<region>:<account>:key/<id>`: the only form a keyring can pin on decrypt. */
const KEY_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):kms:[a-z0-9-]+:(\d{12}):key\/[A-Za-z0-9-]+$/;

export interface ParsedKeyArn {
  readonly partition: string;
  readonly accountId: string;
}

export function parseKeyArn(value: string): ParsedKeyArn | undefined {
  const match = KEY_ARN.exec(value);
  if (!match) return undefined;
  return { partition: match[1]!, accountId: match[2]! };
}
