// The parts of twitter-text (3.1, untyped) that Chorus uses.
declare module 'twitter-text' {
  export interface ParsedTweet {
    weightedLength: number;
    valid: boolean;
    permillage: number;
    validRangeStart: number;
    validRangeEnd: number;
    displayRangeStart: number;
    displayRangeEnd: number;
  }
  export interface UrlEntity {
    url: string;
    indices: [number, number];
  }
  export interface TwitterConfig {
    version: number;
    maxWeightedTweetLength: number;
    scale: number;
    defaultWeight: number;
    transformedURLLength: number;
    emojiParsingEnabled?: boolean;
    ranges: { start: number; end: number; weight: number }[];
  }
  const twitterText: {
    parseTweet(text: string, config?: TwitterConfig): ParsedTweet;
    extractUrlsWithIndices(text: string, options?: { extractUrlsWithoutProtocol?: boolean }): UrlEntity[];
    extractHashtags(text: string): string[];
    configs: { defaults: TwitterConfig; version3: TwitterConfig };
  };
  export default twitterText;
}
