import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { TokenStore } from '#auth';
import type { AppConfig } from '#config';
import type { EventStore } from '#event-store';
import { IdempotencyStore, type IdempotencyRecords } from '#idempotency';
import { registerIdempotency } from '../idempotency/idempotency.hooks.js';
import { APP_CONFIG, EVENT_STORE } from '../infrastructure/tokens.js';
import { registerRateLimit } from '../rate-limit/rate-limit.hooks.js';
import { registerInputGuards, registerStrictJson } from './input-guard.hooks.js';
import { collectRoutes, registerMethodNotAllowed, RouteTable } from './route-table.hooks.js';
import { registerCacheHeaders } from './cache-headers.js';

/**
 * Adds the Fastify hooks that run before any route (input guards, rate limit, idempotency) when
 * the module starts, so that every application built from the module has them, a testing module
 * included. Fastify binds hooks to routes when it becomes ready, after this.
 */
@Injectable()
export class HttpHooks implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TokenStore) private readonly tokens: TokenStore,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyRecords,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    // Routes are registered when the application initialises, after the providers are built.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) collectRoutes(fastify, this.routes);
  }

  private readonly routes = new RouteTable();

  onModuleInit(): void {
    // An application context without HTTP (no adapter) has no requests to guard.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    registerMethodNotAllowed(fastify, this.routes);
    registerCacheHeaders(fastify);
    registerStrictJson(fastify);
    registerInputGuards(fastify);
    // The rate limit before idempotency, so that a refused write never claims its idempotency key.
    registerRateLimit(fastify, this.config.rateLimitPerMinute, this.tokens);
    registerIdempotency(fastify, this.idempotency, this.tokens, this.store);
  }
}
