using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>The bound method of an invocation, computed on first use (binding a member is the reader's most costly step).</summary>
internal sealed class LazySymbol(ReaderContext context, InvocationExpressionSyntax invocation)
{
    private IMethodSymbol? _symbol;
    private bool _bound;

    public IMethodSymbol? Value
    {
        get
        {
            if (!_bound)
            {
                _bound = true;
                _symbol = context.Symbol(invocation) as IMethodSymbol;
            }
            return _symbol;
        }
    }
}
