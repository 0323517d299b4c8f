export {
  CryptoApiClient,
  type CryptoApiClientOptions,
  type SignedRequest,
  type Transport,
  type TransportResponse,
} from './client';
export {
  ClientErrorCode,
  type ClientErrorCodeValue,
  ClientOptionsError,
  CryptoApiClientError,
  CryptoApiResponseError,
  InvalidResponseError,
  RequestFailedError,
} from './errors';
export {
  audienceFor,
  type FunctionArnParts,
  isLoopbackEndpoint,
  ProofHeader,
  ProofWindow,
  parseFunctionArn,
  regionalStsEndpoint,
  SignedProofHeader,
  StsRequest,
} from './protocol';
