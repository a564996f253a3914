import { Anchor, List, Stack, Text, Title } from '@mantine/core';
import { Fragment } from 'react';
import { Link } from 'react-router-dom';

import type { Inline, LegalBlock, LegalDocument } from '../legal-document';

/** Lays out a legal document: product line, title, date, then its sections in order. */
export function LegalDocumentView({ document }: { document: LegalDocument }) {
  return (
    <Stack component="article" gap="md" maw={760}>
      <header>
        <Text size="sm" fw={600} c="dimmed">
          {document.product}
        </Text>
        <Title order={1} size="h2">
          {document.title}
        </Title>
        <Text size="sm" c="dimmed">
          Last updated: {document.lastUpdated}
        </Text>
      </header>
      {document.intro.map((block, i) => (
        <Block key={i} block={block} />
      ))}
      {document.sections.map((section) => (
        <Stack component="section" gap="xs" key={section.heading}>
          <Title order={2} size="h4">
            {section.heading}
          </Title>
          {section.blocks.map((block, i) => (
            <Block key={i} block={block} />
          ))}
        </Stack>
      ))}
    </Stack>
  );
}

function Block({ block }: { block: LegalBlock }) {
  if (block.kind === 'list') {
    return (
      <List size="sm" spacing={4}>
        {block.items.map((item, i) => (
          <List.Item key={i}>
            <Inlines content={item} />
          </List.Item>
        ))}
      </List>
    );
  }
  return (
    <Text size="sm">
      <Inlines content={block.content} />
    </Text>
  );
}

function Inlines({ content }: { content: Inline[] }) {
  return content.map((inline, i) => {
    if (typeof inline === 'string') return <Fragment key={i}>{inline}</Fragment>;
    if ('to' in inline) {
      return (
        <Anchor key={i} component={Link} to={inline.to} inherit>
          {inline.text}
        </Anchor>
      );
    }
    const external = inline.href.startsWith('http');
    return (
      <Anchor
        key={i}
        href={inline.href}
        inherit
        {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})}
      >
        {inline.text}
      </Anchor>
    );
  });
}
