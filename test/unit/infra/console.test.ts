import { beforeAll, describe, expect, it } from 'vitest';
import { buildStage, logicalIdOf, resourcesOf, type Built } from './build';

/** The operator console's hosting, on the `stage` template (bundling skipped: the asset is hashed from source). */
let built: Built;
beforeAll(() => {
  built = buildStage('stage', { bundle: false });
}, 120_000);

describe('the operator console construct', () => {
  it('keeps the bucket private: all public access blocked, TLS only, encrypted', () => {
    const buckets = Object.values(resourcesOf(built.template, 'AWS::S3::Bucket'));
    const site = buckets.filter((b) => JSON.stringify(b.Properties).includes('BucketEncryption'));
    expect(site.length).toBeGreaterThanOrEqual(1);
    for (const b of site)
      expect(b.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    const policies = JSON.stringify(resourcesOf(built.template, 'AWS::S3::BucketPolicy'));
    expect(policies).toContain('aws:SecureTransport');
  });

  it('serves it through CloudFront with origin access control, HTTPS only, index.html at the root', () => {
    const oac = logicalIdOf(built.template, 'AWS::CloudFront::OriginAccessControl');
    const [distribution] = Object.values(resourcesOf(built.template, 'AWS::CloudFront::Distribution'));
    const config = distribution!.Properties!.DistributionConfig as {
      DefaultRootObject: string;
      Origins: { OriginAccessControlId: unknown; S3OriginConfig: { OriginAccessIdentity: string } }[];
      DefaultCacheBehavior: { ViewerProtocolPolicy: string };
    };
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.Origins[0]!.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac, 'Id'] });
    // No legacy origin access identity: the bucket policy names the distribution instead.
    expect(config.Origins[0]!.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const policy = JSON.stringify(resourcesOf(built.template, 'AWS::S3::BucketPolicy'));
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(policy).toContain('AWS:SourceArn');
  });

  it("deploys the build and a config.json made from the stack's outputs", () => {
    const [deployment] = Object.values(resourcesOf(built.template, 'Custom::CDKBucketDeployment'));
    expect(deployment).toBeDefined();
    const props = deployment!.Properties as { SourceObjectKeys: unknown[]; SourceMarkers: unknown[] };
    // The console asset, then config.json.
    expect(props.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(props.SourceMarkers);
    const api = logicalIdOf(built.template, 'AWS::AppSync::GraphQLApi');
    const pool = logicalIdOf(built.template, 'AWS::Cognito::UserPool');
    expect(markers).toContain(api);
    expect(markers).toContain(pool);
    expect(JSON.stringify(deployment!.Properties)).toContain('/config.json');
  });

  it('outputs the console URL', () => {
    const outputs = built.template.findOutputs('ConsoleUrl');
    expect(JSON.stringify(outputs)).toContain('DomainName');
  });
});
