/** GraphQL Code Generator: resolver types from the SDL in schema/ (`npm run codegen`; CI checks it is current). */
import type { CodegenConfig } from '@graphql-codegen/cli';

const models = '../graphql/models.js';

const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        useIndexSignature: false,
        contextType: '../context.js#Context',
        scalars: { DateTime: { input: 'string', output: 'number | string | Date' } },
        mappers: {
          Product: `${models}#ProductRow`,
          Seller: `${models}#SellerRow`,
          Category: `${models}#CategoryRow`,
          Review: `${models}#ReviewRow`,
          User: `${models}#UserRow`,
          ProductConnection: `${models}#ProductConnectionModel`,
          ReviewConnection: `${models}#ReviewConnectionModel`,
          Node: `${models}#NodeModel`,
          AuthPayload: `${models}#AuthPayloadModel`,
          Order: `${models}#OrderRow`,
          OrderItem: `${models}#OrderItemRow`,
          OrderEvent: `${models}#OrderEventRow`,
          OrderConnection: `${models}#OrderConnectionModel`,
        },
      },
    },
  },
};

export default config;
